import { createTenant, type Database, type TenantRecord } from '@tenantkit/db';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { publishTenantChange, TenantResolver, type TenantResolverOptions } from '../src/index.ts';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from './support.ts';

const PLATFORM_DOMAIN = 'tenantkit.localhost';
let testDb: TestDatabase;
let testRedis: TestRedis;
const started: TenantResolver[] = [];

beforeAll(async () => {
  [testDb, testRedis] = await Promise.all([createTestDatabase(), createTestRedis()]);
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  await testRedis?.close();
  await testDb?.drop();
});

let counter = 0;
function uniqueSlug(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

async function tenantNamed(
  slug: string,
  tier: 'pooled' | 'dedicated' = 'pooled',
): Promise<TenantRecord> {
  const { tenant } = await createTenant({
    admin: testDb.admin.sql,
    input: { slug, name: `Tenant ${slug}`, tier, platformDomain: PLATFORM_DOMAIN },
  });
  return tenant;
}

async function resolver(options: Partial<TenantResolverOptions> = {}): Promise<TenantResolver> {
  const instance = new TenantResolver({
    db: testDb.app,
    redis: testRedis.redis,
    keyPrefix: testRedis.prefix,
    platformDomain: PLATFORM_DOMAIN,
    ...options,
  });
  await instance.start();
  started.push(instance);
  return instance;
}

const platformHost = (slug: string) => `${slug}.${PLATFORM_DOMAIN}`;
const redisKey = (host: string) => `${testRedis.prefix}tenant:host:${host}`;

async function addDomain(tenant: TenantRecord, hostname: string, status: string): Promise<void> {
  await testDb.admin.sql`
    insert into tenant_domains (tenant_id, hostname, kind, status)
    values (${tenant.id}, ${hostname}, 'custom', ${status})`;
}

/** The runtime database with every query through its `sql` tag counted. */
function countingDatabase(): { db: Database; queries: () => number } {
  let queries = 0;
  const sql = new Proxy(testDb.app.sql, {
    apply(target, thisArg, args) {
      if (Array.isArray(args[0]) && 'raw' in args[0]) queries += 1;
      return Reflect.apply(target, thisArg, args);
    },
  });
  return { db: { ...testDb.app, sql }, queries: () => queries };
}

describe('TenantResolver', () => {
  it('resolves a platform subdomain by slug', async () => {
    const tenant = await tenantNamed(uniqueSlug('platform'), 'dedicated');
    const r = await resolver();
    expect(await r.resolve(platformHost(tenant.slug))).toEqual(tenant);
  });

  it('resolves an active custom domain, not a pending or merely verified one', async () => {
    const tenant = await tenantNamed(uniqueSlug('custom'));
    await addDomain(tenant, `shop.${tenant.slug}.example`, 'active');
    await addDomain(tenant, `soon.${tenant.slug}.example`, 'pending_verification');
    await addDomain(tenant, `checked.${tenant.slug}.example`, 'verified');
    const r = await resolver();
    expect(await r.resolve(`shop.${tenant.slug}.example`)).toEqual(tenant);
    expect(await r.resolve(`soon.${tenant.slug}.example`)).toBeNull();
    expect(await r.resolve(`checked.${tenant.slug}.example`)).toBeNull();
  });

  it('caches an unknown host as unknown until a change is published', async () => {
    const slug = uniqueSlug('late');
    const host = platformHost(slug);
    const r = await resolver();
    expect(await r.resolve(host)).toBeNull();

    const tenant = await tenantNamed(slug);
    // The negative answer is shared through Redis: a fresh instance does not ask Postgres...
    const fresh = await resolver();
    expect(await fresh.resolve(host)).toBeNull();
    // ...and kept in process: without the Redis copy the first instance still says unknown.
    await testRedis.redis.del(redisKey(host));
    expect(await r.resolve(host)).toBeNull();

    await publishTenantChange(testRedis.redis, testRedis.prefix, {
      tenantId: tenant.id,
      hosts: [host],
    });
    await vi.waitFor(async () => expect(await r.resolve(host)).toEqual(tenant), {
      timeout: 3_000,
      interval: 25,
    });
    expect(await fresh.resolve(host)).toEqual(tenant);
  });

  it('lets every instance see a suspension once it is published', async () => {
    const tenant = await tenantNamed(uniqueSlug('suspend'));
    const host = platformHost(tenant.slug);
    const [first, second] = [await resolver(), await resolver()];
    expect(await first.resolve(host)).toMatchObject({ id: tenant.id, status: 'active' });
    expect(await second.resolve(host)).toMatchObject({ id: tenant.id, status: 'active' });

    await testDb.admin.sql`update tenants set status = 'suspended' where id = ${tenant.id}`;
    // Committed, not yet published: both still answer from their caches.
    expect(await first.resolve(host)).toMatchObject({ status: 'active' });
    expect(await second.resolve(host)).toMatchObject({ status: 'active' });

    await publishTenantChange(testRedis.redis, testRedis.prefix, {
      tenantId: tenant.id,
      hosts: [host],
    });
    await vi.waitFor(
      async () => {
        expect(await first.resolve(host)).toMatchObject({ id: tenant.id, status: 'suspended' });
        expect(await second.resolve(host)).toMatchObject({ id: tenant.id, status: 'suspended' });
      },
      { timeout: 3_000, interval: 25 },
    );
  });

  it('forgets every local answer when its subscription drops, so a change missed then is not kept', async () => {
    const tenant = await tenantNamed(uniqueSlug('reconnect'));
    const host = platformHost(tenant.slug);
    const instance = await resolver();
    expect(await instance.resolve(host)).toMatchObject({ status: 'active' });

    // A change whose message this instance never hears: Redis's copy is dropped, Postgres
    // changed, and the subscription connection goes down (ioredis reconnects by itself).
    await testDb.admin.sql`update tenants set status = 'suspended' where id = ${tenant.id}`;
    await testRedis.redis.del(redisKey(host));
    const subscriber = (instance as unknown as { subscriber: { disconnect(r: boolean): void } })
      .subscriber;
    subscriber.disconnect(true);
    await vi.waitFor(
      async () => expect(await instance.resolve(host)).toMatchObject({ status: 'suspended' }),
      { timeout: 5_000, interval: 25 },
    );

    // Back and subscribed: published changes reach it again.
    await testDb.admin.sql`update tenants set status = 'active' where id = ${tenant.id}`;
    await publishTenantChange(testRedis.redis, testRedis.prefix, {
      tenantId: tenant.id,
      hosts: [host],
    });
    await vi.waitFor(
      async () => expect(await instance.resolve(host)).toMatchObject({ status: 'active' }),
      { timeout: 5_000, interval: 25 },
    );
  });

  it('sends a burst of concurrent resolves of a cold host to the database once', async () => {
    const tenant = await tenantNamed(uniqueSlug('burst'));
    const host = platformHost(tenant.slug);
    const counted = countingDatabase();
    const r = await resolver({ db: counted.db });

    const results = await Promise.all(Array.from({ length: 50 }, () => r.resolve(host)));
    expect(results.every((t) => t?.id === tenant.id)).toBe(true);
    expect(counted.queries()).toBe(1);

    // Another instance finds the answer in Redis.
    const other = countingDatabase();
    const peer = await resolver({ db: other.db });
    await Promise.all(Array.from({ length: 10 }, () => peer.resolve(host)));
    expect(other.queries()).toBe(0);
  });

  it('writes Redis entries with a TTL, short for unknown hosts', async () => {
    const tenant = await tenantNamed(uniqueSlug('ttl'));
    const known = platformHost(tenant.slug);
    const unknown = platformHost(uniqueSlug('nobody'));
    const r = await resolver({ redisTtlSeconds: 120, negativeTtlMs: 4_000 });
    await r.resolve(known);
    await r.resolve(unknown);

    const [knownTtl, unknownTtl] = await Promise.all([
      testRedis.redis.pttl(redisKey(known)),
      testRedis.redis.pttl(redisKey(unknown)),
    ]);
    expect(knownTtl).toBeGreaterThan(100_000);
    expect(knownTtl).toBeLessThanOrEqual(120_000);
    expect(unknownTtl).toBeGreaterThan(0);
    expect(unknownTtl).toBeLessThanOrEqual(4_000);
    expect(JSON.parse((await testRedis.redis.get(redisKey(known))) ?? 'null')).toEqual(tenant);
  });
  it('drops, on the next change, a host cached between an earlier change and its second delete', async () => {
    const tenant = await tenantNamed(uniqueSlug('between'));
    const platform = platformHost(tenant.slug);
    const custom = `app.${tenant.slug}.test`;
    await addDomain(tenant, custom, 'active');
    await (await resolver()).resolve(platform);

    await publishTenantChange(
      testRedis.redis,
      testRedis.prefix,
      {
        tenantId: tenant.id,
        hosts: [platform],
      },
      { secondDeleteMs: 50 },
    );
    // Cached after the first delete, before the second.
    expect((await (await resolver()).resolve(custom))?.status).toBe('active');
    await new Promise((resolve) => setTimeout(resolve, 150));
    await (await resolver()).resolve(custom);

    await testDb.admin.sql`update tenants set status = 'suspended' where id = ${tenant.id}`;
    await publishTenantChange(testRedis.redis, testRedis.prefix, {
      tenantId: tenant.id,
      hosts: [],
    });
    expect((await (await resolver()).resolve(custom))?.status).toBe('suspended');
  });
});
