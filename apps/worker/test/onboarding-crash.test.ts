import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from '@tenantkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobsClient } from '../src/client.ts';
import { spawnWorker } from './support.ts';

let db: TestDatabase;
let redis: TestRedis;
let jobs: JobsClient;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await createTestRedis();
  jobs = new JobsClient({ redisUrl: redisUrl(), prefix: queuePrefix(), admin: db.admin });
});
afterAll(async () => {
  await jobs?.close();
  await redis?.close();
  await db?.drop();
});

const redisUrl = () => process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const queuePrefix = () => `${redis.prefix}bull`;
const workerEnv = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: db.adminUrl,
  APP_DATABASE_URL: db.appUrl,
  REDIS_URL: redisUrl(),
  QUEUE_PREFIX: queuePrefix(),
  REDIS_KEY_PREFIX: redis.prefix,
  ...extra,
});

async function countsFor(slug: string) {
  const sql = db.admin.sql;
  const [row] = await sql<
    { tenants: number; roles: number; invitations: number; leaves: number; domains: number }[]
  >`
    select (select count(*)::int from tenants where slug = ${slug}) as tenants,
      (select count(*)::int from roles r join tenants t on t.id = r.tenant_id where t.slug = ${slug}) as roles,
      (select count(*)::int from invitations i join tenants t on t.id = i.tenant_id where t.slug = ${slug}) as invitations,
      (select count(*)::int from tenant_domains d join tenants t on t.id = d.tenant_id where t.slug = ${slug}) as domains,
      (select count(*)::int from pg_class c join tenants t
        on c.relname like '%\\_t\\_' || replace(t.id::text, '-', '') where t.slug = ${slug}) as leaves`;
  return row;
}

describe('a worker killed mid-onboarding', () => {
  it.each(['mail', 'dns'])(
    'is retried by another worker after a kill at the %s step and leaves exactly one of everything',
    async (step) => {
      const slug = `crash-${step}`;
      const first = spawnWorker(workerEnv({ HANG_AT: step }));
      await first.waitForLine('READY');
      const ref = await jobs.enqueueOnboarding(
        {
          slug,
          name: `Crash ${step}`,
          tier: 'dedicated',
          plan: 'pro',
          ownerEmail: `owner@${slug}.test`,
        },
        { type: 'operator', id: 'test' },
      );
      await first.waitForLine(`HANGING ${step}`).catch(async (e) => {
        const job = await jobs.queue('provisioning').getJob(ref.id);
        throw new Error(
          `${e.message}; job ${await job?.getState()}: ${job?.failedReason} ${job?.stacktrace}`,
        );
      });
      first.child.kill('SIGKILL');
      await first.exited;

      const progress: unknown[] = [];
      const second = spawnWorker(workerEnv());
      try {
        await second.waitForLine('READY');
        const result = await jobs.wait<{ tenantId: string; invitationId: string }>(ref, {
          onProgress: (p) => progress.push(p),
          timeoutMs: 25_000,
        });
        expect(result.tenantId).toBe(ref.tenantId);
        const counts = await countsFor(slug);
        expect(counts).toEqual({
          tenants: 1,
          roles: expect.any(Number),
          invitations: 1,
          leaves: 2,
          domains: 1,
        });
        expect(counts?.roles).toBeGreaterThanOrEqual(3);
        const [builtin] = await db.admin.sql<{ n: number }[]>`
        select count(*)::int as n from roles where tenant_id = ${ref.tenantId} and builtin`;
        expect(builtin?.n).toBe(counts?.roles);
        // The retry skipped nothing it had not finished: the last mail carries the valid link.
        const mails = (await redis.redis.lrange(`${redis.prefix}mail`, 0, -1)).map((m) =>
          JSON.parse(m),
        );
        const last = mails.filter((m) => m.to === `owner@${slug}.test`).at(-1);
        const token = /#token=([A-Za-z0-9_-]+)/.exec(last.text)?.[1] ?? '';
        const { sha256Hex } = await import('@tenantkit/identity');
        const [invitation] = await db.admin.sql<{ token_hash: string }[]>`
        select token_hash from invitations where tenant_id = ${ref.tenantId}`;
        expect(invitation?.token_hash).toBe(sha256Hex(token));
        expect(await redis.redis.lrange(`${redis.prefix}dns`, 0, -1)).toContain(
          `${slug}.tenantkit.localhost`,
        );
        expect(progress.length).toBeGreaterThan(0);
        const job = await jobs.queue('provisioning').getJob(ref.id);
        expect(job?.data.done).toEqual(['tenant', 'identity', 'owner-invitation', 'dns', 'ready']);
      } finally {
        second.child.kill('SIGKILL');
        await second.exited;
      }
    },
    60_000,
  );
});
