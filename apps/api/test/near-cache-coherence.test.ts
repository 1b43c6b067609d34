import { mfaPolicyKey, rbacVersionKey, sessionKey } from '@tenantkit/identity';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  apiClient,
  type BuiltApp,
  createApiFixture,
  expectProblem,
  signIn,
  type TestTenant,
} from './helpers.ts';

// Two api instances with their own Redis connections and near caches (ADR 0015), warmed up so
// they answer from memory; changes come either through one instance (this process's own
// writes) or from a third connection that writes Redis directly, as another process would:
// then only Redis's invalidation message can tell the instances.

let fx: ApiFixture;
let tenant: TestTenant;
let instances: [BuiltApp, BuiltApp];
let anotherProcess: Redis;

beforeAll(async () => {
  fx = await createApiFixture();
  tenant = await fx.tenant('pooled', 'near');
  instances = [
    await fx.buildApp({ redis: await fx.connectRedis() }),
    await fx.buildApp({ redis: await fx.connectRedis() }),
  ];
  anotherProcess = await fx.connectRedis();
});
afterAll(async () => {
  await fx?.close();
});

const on = (instance: BuiltApp, token: string) => apiClient(instance.app, tenant.host, { token });
const sessionIdOf = (token: string) => token.slice(0, token.indexOf('.'));
const copyOf = (token: string) =>
  sessionKey(fx.deps.keyPrefix, tenant.record.id, sessionIdOf(token));

/** Requests on both instances until each holds the session's copy in memory. */
async function warm(token: string): Promise<void> {
  for (const instance of instances) {
    for (let i = 0; i < 2; i++)
      expect((await on(instance, token).get('/v1/projects')).status).toBe(200);
    expect(instance.deps.identityCache.peek([copyOf(token)])).toBeDefined();
  }
}

/** Polls until `check` holds; returns how long that took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Date.now() - start;
}

describe('near cache coherence across instances', () => {
  it('a sign-out on one instance is refused by the other at once, though it held the session in memory', async () => {
    const token = await signIn(fx.testDb, tenant.record, ['member']);
    await warm(token);
    const [one, two] = instances;
    const out = await on(one, token).post('/auth/logout', {});
    expect(out.status).toBeLessThan(400);
    await expectProblem(await on(two, token).get('/v1/projects'), 401, 'unauthenticated');
  });

  it("another process's revocation reaches a warm instance through Redis's invalidation message", async () => {
    const token = await signIn(fx.testDb, tenant.record, ['member']);
    await warm(token);
    const [, two] = instances;
    // What forgetSessions writes, from a connection neither instance knows about.
    await anotherProcess.set(copyOf(token), 'revoked', 'PX', 60_000);
    await within(1_000, async () => (await on(two, token).get('/v1/projects')).status === 401);
    // And once the invalidation has been applied, every request is refused.
    await two.deps.identityCache.sync();
    // It holds the tombstone now, or nothing; never the live copy.
    const held = two.deps.identityCache.peek([copyOf(token)]);
    expect([undefined, 'revoked']).toContain(held?.[0]);
    for (let i = 0; i < 5; i++) {
      await expectProblem(await on(two, token).get('/v1/projects'), 401, 'unauthenticated');
    }
  });

  it("another process's role change takes effect on a warm instance once its version is published", async () => {
    const token = await signIn(fx.testDb, tenant.record, ['member']);
    await warm(token);
    const [, two] = instances;
    const write = () => on(two, token).post('/v1/projects', { name: 'Near cache' });
    expect((await write()).status).toBe(201);
    // The member becomes a viewer, committed as the admin API would, then the version
    // mirror raised from the other connection.
    const userId = (
      await fx.testDb.admin.sql<{ user_id: string }[]>`
        select user_id from sessions where id = ${sessionIdOf(token)}`
    )[0]?.user_id;
    const [row] = await fx.testDb.admin.sql<{ rbac_version: string }[]>`
      with changed as (
        update role_bindings set role_key = 'viewer'
        where tenant_id = ${tenant.record.id} and principal_id = ${userId as string}
        returning 1
      )
      update tenant_security set rbac_version = rbac_version + 1
      where tenant_id = ${tenant.record.id} and exists (select 1 from changed)
      returning rbac_version`;
    await anotherProcess.set(
      fx.deps.keyPrefix + rbacVersionKey(tenant.record.id),
      String(row?.rbac_version),
      'EX',
      86_400,
    );
    await two.deps.identityCache.sync();
    await expectProblem(await write(), 403, 'permission-required');
  });

  it("another process's MFA policy reaches a warm instance's gate", async () => {
    const token = await signIn(fx.testDb, tenant.record, ['member']);
    await warm(token);
    const [, two] = instances;
    await fx.testDb.admin.sql`
      insert into tenant_security (tenant_id, mfa_required) values (${tenant.record.id}, true)
      on conflict (tenant_id) do update set mfa_required = true`;
    await anotherProcess.set(mfaPolicyKey(fx.deps.keyPrefix, tenant.record.id), '1', 'PX', 60_000);
    await two.deps.identityCache.sync();
    await expectProblem(await on(two, token).get('/v1/projects'), 403, 'mfa-enrolment-required');
    await fx.testDb.admin.sql`
      update tenant_security set mfa_required = false where tenant_id = ${tenant.record.id}`;
    await anotherProcess.set(mfaPolicyKey(fx.deps.keyPrefix, tenant.record.id), '0', 'PX', 60_000);
    await two.deps.identityCache.sync();
    expect((await on(two, token).get('/v1/projects')).status).toBe(200);
  });
});
