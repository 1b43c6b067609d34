/**
 * The tenant's "MFA required for all members" policy, and the gate that asks, per request,
 * whether a signed-in member must enrol before doing anything else.
 *
 * The gate is evaluated on every request rather than stamped on the session at sign-in, so a
 * policy switched on also restricts members already signed in, and a member who disables MFA
 * under the policy is restricted again at once. Both answers are cached in Redis: writers SET
 * the new value after their transaction commits, readers fill with SET NX, so a reader that
 * loaded the old value just before a commit can never overwrite the writer's answer.
 */
import { type Database, schema, type TenantRecord, type TenantTx, withTenant } from '@tenantkit/db';
import { and, eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { IdentityContext } from '../accounts/login.ts';
import { appendAuditEvent } from '../audit/index.ts';
import { forgetNearCopies } from '../near-cache/index.ts';
import type { Permission } from '../rbac/catalog.ts';
import { assertPermitted } from '../rbac/guards.ts';
import { EnrolBeforeRequiringMfaError } from './errors.ts';

const { tenantSecurity, users } = schema;

export interface MfaGateDeps {
  db: Database;
  redis: Redis;
  keyPrefix: string;
}

const CACHE_TTL_MS = 10 * 60 * 1000;
/**
 * The gate's cached copy of the tenant policy ('1' / '0'); authenticate reads it with the
 * session, through the near cache.
 */
export const mfaPolicyKey = (prefix: string, tenantId: string) =>
  `${prefix}t:{${tenantId}}:mfa-required`;
const policyKey = mfaPolicyKey;
const enrolledKey = (prefix: string, tenantId: string, userId: string) =>
  `${prefix}t:{${tenantId}}:mfa-enrolled:${userId}`;

export async function readMfaPolicy(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id'>,
): Promise<{ mfaRequired: boolean }> {
  const [row] = await tx
    .select({ mfaRequired: tenantSecurity.mfaRequired })
    .from(tenantSecurity)
    .where(eq(tenantSecurity.tenantId, tenant.id));
  return { mfaRequired: row?.mfaRequired ?? false };
}

export async function getMfaPolicy({
  ctx,
}: {
  ctx: Pick<IdentityContext, 'deps' | 'tenant'>;
}): Promise<{ mfaRequired: boolean }> {
  return withTenant(ctx.deps.db, ctx.tenant.id, (tx) => readMfaPolicy(tx, ctx.tenant));
}

/**
 * Sets the policy (needs `tenant:manage`); audited in the same transaction. A member switching
 * it on must have MFA themself, so nobody restricts the whole tenant, themself included, by
 * accident (the same rule as GitHub's "require two-factor authentication").
 */
export async function setMfaPolicy({
  ctx,
  input,
}: {
  ctx: IdentityContext;
  input: { actorPermissions: ReadonlySet<Permission>; mfaRequired: boolean };
}): Promise<{ mfaRequired: boolean }> {
  assertPermitted(input.actorPermissions, ['tenant:manage']);
  const { deps, tenant } = ctx;
  const result = await withTenant(deps.db, tenant.id, async (tx) => {
    const before = await readMfaPolicy(tx, tenant);
    if (before.mfaRequired === input.mfaRequired) return before;
    if (input.mfaRequired && ctx.actor.actorType === 'user' && ctx.actor.actorId) {
      const [actor] = await tx
        .select({ enabledAt: users.totpEnabledAt })
        .from(users)
        .where(and(eq(users.tenantId, tenant.id), eq(users.id, ctx.actor.actorId)));
      if (!actor?.enabledAt) throw new EnrolBeforeRequiringMfaError();
    }
    await tx
      .insert(tenantSecurity)
      .values({ tenantId: tenant.id, mfaRequired: input.mfaRequired })
      .onConflictDoUpdate({
        target: tenantSecurity.tenantId,
        set: { mfaRequired: input.mfaRequired, updatedAt: new Date() },
      });
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'security.mfa_policy.updated',
      targetType: 'tenant',
      targetId: tenant.id,
      data: { before: before.mfaRequired, after: input.mfaRequired },
    });
    return { mfaRequired: input.mfaRequired };
  });
  const key = policyKey(deps.keyPrefix, tenant.id);
  await deps.redis.set(key, result.mfaRequired ? '1' : '0', 'PX', CACHE_TTL_MS);
  forgetNearCopies([key]);
  return result;
}

/** After an enrolment or a disable commits: the gate's cached answer for the user. */
export async function publishMfaEnrolment(
  deps: Pick<MfaGateDeps, 'redis' | 'keyPrefix'>,
  tenant: Pick<TenantRecord, 'id'>,
  userId: string,
  enrolled: boolean,
): Promise<void> {
  await deps.redis.set(
    enrolledKey(deps.keyPrefix, tenant.id, userId),
    enrolled ? '1' : '0',
    'PX',
    CACHE_TTL_MS,
  );
}

async function cached(redis: Redis, key: string, load: () => Promise<boolean>): Promise<boolean> {
  const hit = await redis.get(key);
  if (hit === '1' || hit === '0') return hit === '1';
  const value = await load();
  await redis.set(key, value ? '1' : '0', 'PX', CACHE_TTL_MS, 'NX');
  forgetNearCopies([key]);
  return value;
}

/**
 * Whether this member must enrol in MFA before using the workspace: the tenant requires MFA
 * and the member has not enabled it. One Redis read when the policy is off.
 */
export async function mfaEnrolmentRequired(
  deps: MfaGateDeps,
  tenant: Pick<TenantRecord, 'id'>,
  userId: string,
): Promise<boolean> {
  const required = await cached(deps.redis, policyKey(deps.keyPrefix, tenant.id), () =>
    withTenant(deps.db, tenant.id, (tx) => readMfaPolicy(tx, tenant)).then((p) => p.mfaRequired),
  );
  if (!required) return false;
  const enrolled = await cached(
    deps.redis,
    enrolledKey(deps.keyPrefix, tenant.id, userId),
    async () => {
      const [row] = await withTenant(deps.db, tenant.id, (tx) =>
        tx
          .select({ enabledAt: users.totpEnabledAt })
          .from(users)
          .where(and(eq(users.tenantId, tenant.id), eq(users.id, userId))),
      );
      return Boolean(row?.enabledAt);
    },
  );
  return !enrolled;
}
