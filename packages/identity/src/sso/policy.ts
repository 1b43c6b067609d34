import { schema, type TenantRecord, type TenantTx, withTenant } from '@tenantkit/db';
import { and, eq } from 'drizzle-orm';
import type { User } from '../accounts/users.ts';
import { appendAuditEvent } from '../audit/index.ts';
import { assertPermitted, OWNER_ROLE_KEY } from '../rbac/index.ts';
import type { SsoContext } from './context.ts';
import { connectionForEmail } from './realm.ts';

const { tenantSecurity, roleBindings } = schema;

export type PasswordLoginPolicy =
  | { kind: 'password' }
  | { kind: 'sso_required'; connectionId: string }
  | { kind: 'break_glass'; connectionId: string };

/**
 * Whether a password sign-in for `email` may proceed. With "SSO required" on, an email whose
 * domain belongs to an enabled connection signs in through SSO only; the decision depends on
 * the domain, not on whether the account exists, so it says nothing about accounts. Active
 * owners keep a password path (break glass, audited) so an IdP outage cannot lock the tenant out.
 */
export async function passwordLoginPolicy(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id'>,
  email: string,
  user: Pick<User, 'id' | 'status'> | undefined,
): Promise<PasswordLoginPolicy> {
  const [security] = await tx
    .select({ ssoRequired: tenantSecurity.ssoRequired })
    .from(tenantSecurity)
    .where(eq(tenantSecurity.tenantId, tenant.id));
  if (!security?.ssoRequired) return { kind: 'password' };
  const connection = await connectionForEmail(tx, tenant.id, email);
  if (!connection) return { kind: 'password' };
  if (user?.status === 'active') {
    const [owner] = await tx
      .select({ roleKey: roleBindings.roleKey })
      .from(roleBindings)
      .where(
        and(
          eq(roleBindings.tenantId, tenant.id),
          eq(roleBindings.principalType, 'user'),
          eq(roleBindings.principalId, user.id),
          eq(roleBindings.roleKey, OWNER_ROLE_KEY),
        ),
      );
    if (owner) return { kind: 'break_glass', connectionId: connection.id };
  }
  return { kind: 'sso_required', connectionId: connection.id };
}

export async function getSsoPolicy({
  ctx,
}: {
  ctx: SsoContext;
}): Promise<{ ssoRequired: boolean }> {
  assertPermitted(ctx.permissions ?? new Set(), ['tenant:manage']);
  const [row] = await withTenant(ctx.deps.db, ctx.tenant.id, (tx) =>
    tx
      .select({ ssoRequired: tenantSecurity.ssoRequired })
      .from(tenantSecurity)
      .where(eq(tenantSecurity.tenantId, ctx.tenant.id)),
  );
  return { ssoRequired: row?.ssoRequired ?? false };
}

/** Turns the tenant's "SSO required" policy on or off (tenant:manage), audited. */
export async function setSsoPolicy({
  ctx,
  input,
}: {
  ctx: SsoContext;
  input: { ssoRequired: boolean };
}): Promise<{ ssoRequired: boolean }> {
  assertPermitted(ctx.permissions ?? new Set(), ['tenant:manage']);
  const { tenant } = ctx;
  await withTenant(ctx.deps.db, tenant.id, async (tx) => {
    await tx
      .insert(tenantSecurity)
      .values({ tenantId: tenant.id, ssoRequired: input.ssoRequired })
      .onConflictDoUpdate({
        target: tenantSecurity.tenantId,
        set: { ssoRequired: input.ssoRequired, updatedAt: new Date() },
      });
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'tenant.sso_required.changed',
      targetType: 'tenant',
      targetId: tenant.id,
      data: { ssoRequired: input.ssoRequired },
    });
  });
  return { ssoRequired: input.ssoRequired };
}
