import { createTenant } from '@tenantkit/db';
import { publishTenantChange } from '@tenantkit/tenancy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  type ApiFixture,
  apiClient,
  createApiFixture,
  createProject,
  expectProblem,
  PLATFORM_DOMAIN,
  signIn,
  type TestTenant,
  waitFor,
} from './helpers.ts';

// Two api instances, each with its own resolver and Redis connection, over one database and one
// key prefix; changes are announced from a third Redis connection, as the ops app would.

const POLL = { timeoutMs: 2_000, intervalMs: 25 };

let fx: ApiFixture;
let tenant: TestTenant;
let instances: Array<(host: string) => ApiClient>;
/** The session each host's requests carry (any member of the tenant will do). */
const tokens = new Map<string, string>();

beforeAll(async () => {
  fx = await createApiFixture();
  tenant = await fx.tenant('pooled', 'xco');
  tokens.set(tenant.host, tenant.token);
  const one = await fx.buildApp({ redis: await fx.connectRedis() });
  const two = await fx.buildApp({ redis: await fx.connectRedis() });
  instances = [one, two].map(
    ({ app }) =>
      (host: string) =>
        apiClient(app, host, { token: tokens.get(host) }),
  );
});
afterAll(async () => {
  await fx?.close();
});

/** The statuses both instances answer for GET /v1/projects on `host`. */
async function statuses(host: string): Promise<number[]> {
  return Promise.all(instances.map(async (on) => (await on(host).get('/v1/projects')).status));
}

async function announce(tenantId: string, hosts: string[]): Promise<void> {
  // fx.testRedis.redis is neither instance's connection.
  await publishTenantChange(fx.testRedis.redis, fx.testRedis.prefix, { tenantId, hosts });
}

async function setStatus(status: 'active' | 'suspended'): Promise<void> {
  await fx.testDb.admin.sql`update tenants set status = ${status} where id = ${tenant.record.id}`;
}

describe('tenant changes reach every instance', () => {
  it('a suspension is seen by both instances within 2 s of the announcement, and so is resuming', async () => {
    await createProject(instances[0]?.(tenant.host) as ApiClient);
    expect(await statuses(tenant.host)).toEqual([200, 200]);

    await setStatus('suspended');
    // Both still hold the tenant in their caches: it is the announcement that must reach them.
    expect(await statuses(tenant.host)).toEqual([200, 200]);

    await announce(tenant.record.id, [tenant.host]);
    const suspended = await waitFor(
      async () => (await statuses(tenant.host)).every((s) => s === 403),
      POLL,
    );
    expect(suspended, `statuses: ${await statuses(tenant.host)}`).toBe(true);
    for (const on of instances) {
      await expectProblem(await on(tenant.host).get('/v1/projects'), 403, 'tenant-suspended');
    }

    await setStatus('active');
    await announce(tenant.record.id, [tenant.host]);
    const resumed = await waitFor(
      async () => (await statuses(tenant.host)).every((s) => s === 200),
      POLL,
    );
    expect(resumed, `statuses: ${await statuses(tenant.host)}`).toBe(true);
  });

  it('a tenant created after a 404 on its host is served once its host is announced', async () => {
    const host = `newco.${PLATFORM_DOMAIN}`;
    // Both instances (and Redis) now remember that nobody is at this host.
    expect(await statuses(host)).toEqual([404, 404]);
    for (const on of instances) {
      await expectProblem(await on(host).get('/v1/projects'), 404, 'tenant-not-found');
    }

    const { tenant: created } = await createTenant({
      admin: fx.testDb.admin.sql,
      input: { slug: 'newco', name: 'New Co', tier: 'pooled', platformDomain: PLATFORM_DOMAIN },
    });
    expect(await statuses(host)).toEqual([404, 404]);
    tokens.set(host, await signIn(fx.testDb, created, ['owner'], { provision: true }));

    await announce(created.id, [host]);
    const served = await waitFor(async () => (await statuses(host)).every((s) => s === 200), POLL);
    expect(served, `statuses: ${await statuses(host)}`).toBe(true);
    // Served as the new tenant: what one instance writes, the other reads.
    const project = await createProject(instances[0]?.(host) as ApiClient, { name: 'first' });
    const res = await instances[1]?.(host).get(`/v1/projects/${project.id}`);
    expect(res?.status).toBe(200);
  });

  it('an announcement about another tenant leaves this one cached', async () => {
    const other = await fx.tenant('pooled', 'bystander');
    tokens.set(other.host, other.token);
    expect(await statuses(tenant.host)).toEqual([200, 200]);
    expect(await statuses(other.host)).toEqual([200, 200]);
    await setStatus('suspended');
    await announce(other.record.id, [other.host]);
    // Give the message time to arrive, then check that only the named tenant was dropped.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await statuses(tenant.host)).toEqual([200, 200]);
    await setStatus('active');
  });

  it('an announcement naming no host still drops every host the tenant is cached under', async () => {
    const custom = 'app.xco.test';
    tokens.set(custom, tenant.token);
    await fx.testDb.admin.sql`
      insert into tenant_domains (tenant_id, hostname, kind, status)
      values (${tenant.record.id}, ${custom}, 'custom', 'active')`;
    await announce(tenant.record.id, [custom]); // the new domain: drop its cached 404
    await waitFor(async () => (await statuses(custom)).every((s) => s === 200), POLL);
    expect(await statuses(tenant.host)).toEqual([200, 200]);

    await setStatus('suspended');
    await announce(tenant.record.id, []);
    const suspended = await waitFor(
      async () =>
        [...(await statuses(tenant.host)), ...(await statuses(custom))].every((s) => s === 403),
      POLL,
    );
    expect(suspended, `statuses: ${await statuses(tenant.host)} ${await statuses(custom)}`).toBe(
      true,
    );
    await setStatus('active');
    await announce(tenant.record.id, []);
  });
});
