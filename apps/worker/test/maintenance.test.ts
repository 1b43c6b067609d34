import { randomUUID } from 'node:crypto';
import { withTenant } from '@tenantkit/db';
import { createMember, createSession } from '@tenantkit/identity';
import { onboardTenant, wildcardDns } from '@tenantkit/lifecycle';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from '@tenantkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobsClient } from '../src/client.ts';
import { ProcessorRegistry } from '../src/jobs.ts';
import { defaultRegistry } from '../src/registry.ts';
import { type RunningWorkers, startWorkers } from '../src/runtime.ts';

let db: TestDatabase;
let redis: TestRedis;
let jobs: JobsClient;
let running: RunningWorkers;
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const seen: { tenantId: string; visible: number }[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await createTestRedis();
  const prefix = `${redis.prefix}bull`;
  jobs = new JobsClient({ redisUrl, prefix, admin: db.admin });
  const registry = defaultRegistry();
  // A processor registered from outside (as packages/domains' will be): it runs in its tenant's
  // RLS context and sees that tenant's rows only.
  registry.tenant('domains', 'probe', async ({ tenantId, inTenant }) => {
    const rows = await inTenant(
      (tx) => tx.$client<{ n: number }[]>`select count(*)::int as n from tenants`,
    );
    seen.push({ tenantId, visible: rows[0]?.n ?? -1 });
    return rows[0]?.n;
  });
  running = await startWorkers({
    redisUrl,
    prefix,
    app: db.app,
    registry,
    deps: {
      admin: db.admin,
      app: db.app,
      redis: redis.redis,
      keyPrefix: redis.prefix,
      platformDomain: 'tenantkit.localhost',
      dns: wildcardDns,
      mail: { send: async () => {} },
      deletionGraceMs: 0,
    },
  });
});
afterAll(async () => {
  await running?.close(1_000);
  await jobs?.close();
  await redis?.close();
  await db?.drop();
});

async function tenantWithSessions(slug: string) {
  const { tenant } = await onboardTenant({
    deps: {
      admin: db.admin,
      app: db.app,
      redis: redis.redis,
      keyPrefix: redis.prefix,
      platformDomain: 'tenantkit.localhost',
      dns: wildcardDns,
      mail: { send: async () => {} },
    },
    actor: { type: 'system', id: 'test' },
    input: { tenantId: randomUUID(), slug, name: slug, tier: 'pooled' },
  });
  await withTenant(db.app, tenant.id, async (tx) => {
    const { user } = await createMember(
      tx,
      tenant,
      { actorType: 'system' },
      {
        email: `a@${slug}.test`,
        roleKeys: ['owner'],
      },
    );
    await createSession(tx, tenant, { userId: user.id }, new Date(Date.now() - 90 * 86_400_000));
    await createSession(tx, tenant, { userId: user.id });
  });
  return tenant;
}

describe('worker jobs', () => {
  it('sweeps expired sessions tenant by tenant and keeps live ones', async () => {
    const a = await tenantWithSessions('sweep-a');
    const b = await tenantWithSessions('sweep-b');
    const job = await jobs.queue('maintenance').add('sweep-expired-sessions', {});
    expect(await jobs.wait({ queue: 'maintenance', id: String(job.id) })).toEqual({ tenants: 2 });
    const expire = jobs.queue('maintenance');
    for (let i = 0; i < 100; i++) {
      const counts = await expire.getJobCounts('completed');
      if ((counts.completed ?? 0) >= 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const rows = await db.admin.sql<{ tenant_id: string; n: number }[]>`
      select tenant_id, count(*)::int as n from sessions group by tenant_id`;
    expect(Object.fromEntries(rows.map((r) => [r.tenant_id, r.n]))).toEqual({
      [a.id]: 1,
      [b.id]: 1,
    });
  });

  it('runs a registered tenant processor under that tenant’s RLS, and refuses a job without tenant', async () => {
    const [tenant] = await db.admin.sql<{ id: string }[]>`select id from tenants limit 1`;
    const ok = await jobs.queue('domains').add('probe', { tenantId: tenant?.id });
    expect(await jobs.wait({ queue: 'domains', id: String(ok.id) })).toBe(1);
    expect(seen).toEqual([{ tenantId: tenant?.id, visible: 1 }]);
    const bad = await jobs.queue('domains').add('probe', { tenantId: 'not-a-uuid' });
    await expect(jobs.wait({ queue: 'domains', id: String(bad.id) })).rejects.toThrow(
      /no tenantId/,
    );
    const failed = await jobs.queue('domains').getJob(String(bad.id));
    expect(failed?.attemptsMade).toBe(1); // unrecoverable: not retried, kept for inspection
    expect(await failed?.getState()).toBe('failed');
  });

  it('refuses to register the same processor twice', () => {
    const registry = new ProcessorRegistry();
    registry.tenant('domains', 'x', async () => {});
    expect(() => registry.tenant('domains', 'x', async () => {})).toThrow(/twice/);
  });
});
