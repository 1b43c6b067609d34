import { createTenant, schema, type TenantRecord, withTenant } from '@tenantkit/db';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from '@tenantkit/testing';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bumpRbacVersion,
  createMember,
  loadPermissions,
  provisionTenantIdentity,
  publishRbacVersion,
  rbacVersionKey,
} from '../src/index.ts';

let db: TestDatabase;
let redis: TestRedis;
let tenant: TenantRecord;
let other: TenantRecord;
const system = { actorType: 'system' as const, requestId: 'req-1' };
const deps = () => ({ db: db.app, redis: redis.redis, keyPrefix: redis.prefix });
const redisVersion = (t: TenantRecord) => redis.redis.get(redis.prefix + rbacVersionKey(t.id));

beforeAll(async () => {
  [db, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  const make = async (slug: string) =>
    (
      await createTenant({
        admin: db.admin.sql,
        input: { slug, name: slug, tier: 'pooled', platformDomain: 'tenantkit.localhost' },
      })
    ).tenant;
  [tenant, other] = [await make('perm-a'), await make('perm-b')];
  for (const t of [tenant, other]) {
    await withTenant(db.app, t.id, (tx) => provisionTenantIdentity(tx, t));
  }
});

afterAll(async () => {
  await redis?.close();
  await db?.drop();
});

async function member(t: TenantRecord, email: string, roleKeys: string[]) {
  const { user, rbacVersion } = await withTenant(db.app, t.id, (tx) =>
    createMember(tx, t, system, { email, roleKeys }),
  );
  await publishRbacVersion(deps(), t, rbacVersion);
  return user;
}

/** Swaps a user's roles the way a role change does: in a transaction that bumps the version. */
async function rebind(t: TenantRecord, userId: string, roleKeys: string[]) {
  const version = await withTenant(db.app, t.id, async (tx) => {
    await tx
      .delete(schema.roleBindings)
      .where(
        and(eq(schema.roleBindings.tenantId, t.id), eq(schema.roleBindings.principalId, userId)),
      );
    await tx.insert(schema.roleBindings).values(
      roleKeys.map((roleKey) => ({
        tenantId: t.id,
        principalType: 'user' as const,
        principalId: userId,
        roleKey,
      })),
    );
    return bumpRbacVersion(tx, t);
  });
  await publishRbacVersion(deps(), t, version);
}

describe('loadPermissions with the process cache', () => {
  it('drops a revoked permission on the first request after the version moves', async () => {
    const user = await member(tenant, 'editor@example.test', ['member']);
    const principal = { type: 'user' as const, id: user.id };
    const before = await loadPermissions(deps(), tenant, principal, await redisVersion(tenant));
    expect(before.has('projects:write')).toBe(true);
    // Served again, now from the process cache.
    expect(await loadPermissions(deps(), tenant, principal, await redisVersion(tenant))).toBe(
      before,
    );

    await rebind(tenant, user.id, ['viewer']);
    const after = await loadPermissions(deps(), tenant, principal, await redisVersion(tenant));
    expect(after.has('projects:write')).toBe(false);
    expect(after.has('projects:read')).toBe(true);
  });

  it('reads the version itself when the caller has none, and ignores a malformed one', async () => {
    const user = await member(tenant, 'reader@example.test', ['viewer']);
    const principal = { type: 'user' as const, id: user.id };
    for (const known of [undefined, null, 'not-a-number']) {
      const set = await loadPermissions(deps(), tenant, principal, known);
      expect(set.has('projects:read')).toBe(true);
      expect(set.has('projects:write')).toBe(false);
    }
  });

  it("never answers with another tenant's cached set for the same user id", async () => {
    const user = await member(tenant, 'owner@example.test', ['owner']);
    const principal = { type: 'user' as const, id: user.id };
    expect(
      (await loadPermissions(deps(), tenant, principal, await redisVersion(tenant))).size,
    ).toBeGreaterThan(0);
    // The same id has no binding in the other tenant: nothing, whatever the process cached.
    const there = await loadPermissions(deps(), other, principal, await redisVersion(tenant));
    expect(there.size).toBe(0);
  });
});
