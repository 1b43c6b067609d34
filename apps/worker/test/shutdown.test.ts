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
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await createTestRedis();
  jobs = new JobsClient({ redisUrl, prefix: `${redis.prefix}bull`, admin: db.admin });
});
afterAll(async () => {
  await jobs?.close();
  await redis?.close();
  await db?.drop();
});

const env = (extra: Record<string, string>) => ({
  DATABASE_URL: db.adminUrl,
  APP_DATABASE_URL: db.appUrl,
  REDIS_URL: redisUrl,
  QUEUE_PREFIX: `${redis.prefix}bull`,
  REDIS_KEY_PREFIX: redis.prefix,
  ...extra,
});
const owner = { type: 'operator', id: 'test' } as const;

describe('worker shutdown (SIGTERM)', () => {
  it('finishes an in-flight job within the grace period before exiting', async () => {
    const worker = spawnWorker(env({ HANG_AT: 'slow-mail', GRACE_MS: '20000' }));
    await worker.waitForLine('READY');
    const ref = await jobs.enqueueOnboarding(
      { slug: 'graceful', name: 'Graceful', tier: 'pooled', ownerEmail: 'o@graceful.test' },
      owner,
    );
    await worker.waitForLine('SLOW mail');
    worker.child.kill('SIGTERM');
    expect(await worker.waitForLine('CLOSED')).toBe('CLOSED drained=true');
    expect(await worker.exited).toBe(0);
    const job = await jobs.queue('provisioning').getJob(ref.id);
    expect(await job?.getState()).toBe('completed');
  }, 120_000);

  it('hands a job that outlives the grace period back, and another worker finishes it once', async () => {
    const first = spawnWorker(env({ HANG_AT: 'mail', GRACE_MS: '300' }));
    await first.waitForLine('READY');
    const ref = await jobs.enqueueOnboarding(
      { slug: 'handed-back', name: 'Handed back', tier: 'dedicated', ownerEmail: 'o@back.test' },
      owner,
    );
    await first.waitForLine('HANGING mail');
    first.child.kill('SIGTERM');
    expect(await first.waitForLine('CLOSED')).toBe('CLOSED drained=false');
    expect(await first.exited).toBe(0);
    const job = await jobs.queue('provisioning').getJob(ref.id);
    expect(await job?.getState()).not.toBe('failed');

    const second = spawnWorker(env({}));
    try {
      await jobs.wait(ref, { timeoutMs: 25_000 });
      const [counts] = await db.admin.sql<{ tenants: number; invitations: number }[]>`
        select (select count(*)::int from tenants where slug = 'handed-back') as tenants,
          (select count(*)::int from invitations where tenant_id = ${ref.tenantId}) as invitations`;
      expect(counts).toEqual({ tenants: 1, invitations: 1 });
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
    }
  }, 120_000);
});
