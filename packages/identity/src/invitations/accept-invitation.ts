import { schema, type TenantRecord, type TenantTx, withTenant } from '@tenantkit/db';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { WeakPasswordError } from '../accounts/errors.ts';
import type { IdentityContext } from '../accounts/login.ts';
import { InvitationInvalidError } from '../admin/errors.ts';
import { appendAuditEvent } from '../audit/index.ts';
import { checkPasswordPolicy, hashPassword } from '../crypto/index.ts';
import { createMember } from '../members/create-member.ts';
import { publishRbacVersion } from '../members/permissions.ts';
import { createSession } from '../sessions/index.ts';
import { invitationSecretMatches, parseInvitationToken } from './token.ts';

const { invitations, roles, users } = schema;

/**
 * The pending invitation a token names in this tenant, or `InvitationInvalidError` for every
 * kind of refusal alike. A token of another tenant names an id this tenant does not have.
 */
async function findPendingInvitation(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id'>,
  token: string,
) {
  const parsed = parseInvitationToken(token);
  if (!parsed) throw new InvitationInvalidError();
  const [row] = await tx
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.tenantId, tenant.id),
        eq(invitations.id, parsed.id),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, sql`now()`),
      ),
    );
  if (!row || !invitationSecretMatches(parsed.secret, row.tokenHash)) {
    throw new InvitationInvalidError();
  }
  return row;
}

/** For the accept page: who the invitation is for, without consuming it. */
export async function describeInvitation({
  ctx,
  input,
}: {
  ctx: IdentityContext;
  input: { token: string };
}): Promise<{ email: string; expiresAt: Date }> {
  const row = await withTenant(ctx.deps.db, ctx.tenant.id, (tx) =>
    findPendingInvitation(tx, ctx.tenant, input.token),
  );
  return { email: row.email, expiresAt: row.expiresAt };
}

/**
 * Accepts an invitation: checks the password against the policy and hashes it outside any
 * transaction (argon2 must not hold a connection), then in one transaction consumes the token
 * (a conditional UPDATE, so two concurrent uses cannot both win), creates the member with the
 * invited roles that still exist, and starts a session. If the email became a member
 * meanwhile, `EmailTakenError` rolls everything back and the invitation stays pending.
 */
export async function acceptInvitation({
  ctx,
  input,
}: {
  ctx: IdentityContext;
  input: { token: string; name: string; password: string };
}): Promise<{ token: string; sessionId: string; userId: string; expiresAt: Date }> {
  const { tenant } = ctx;
  const invitation = await withTenant(ctx.deps.db, tenant.id, (tx) =>
    findPendingInvitation(tx, tenant, input.token),
  );
  const policy = checkPasswordPolicy(input.password, {
    email: invitation.email,
    tenantName: tenant.name,
  });
  if (!policy.ok) throw new WeakPasswordError(policy.reason);
  const passwordHash = await hashPassword(input.password);

  const result = await withTenant(ctx.deps.db, tenant.id, async (tx) => {
    const [consumed] = await tx
      .update(invitations)
      .set({ acceptedAt: sql`now()` })
      .where(
        and(
          eq(invitations.tenantId, tenant.id),
          eq(invitations.id, invitation.id),
          eq(invitations.tokenHash, invitation.tokenHash),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
          gt(invitations.expiresAt, sql`now()`),
        ),
      )
      .returning({ id: invitations.id });
    if (!consumed) throw new InvitationInvalidError();
    const roleKeys = await existingRoleKeys(tx, tenant, invitation.roleKeys);
    const { user, rbacVersion } = await createMember(tx, tenant, ctx.actor, {
      email: invitation.email,
      name: input.name,
      roleKeys,
    });
    await tx
      .update(users)
      .set({ passwordHash, lastLoginAt: new Date() })
      .where(and(eq(users.tenantId, tenant.id), eq(users.id, user.id)));
    const session = await createSession(tx, tenant, {
      userId: user.id,
      ip: ctx.actor.ip,
      userAgent: ctx.actor.userAgent,
    });
    await appendAuditEvent(
      tx,
      tenant,
      { ...ctx.actor, actorType: 'user', actorId: user.id },
      {
        action: 'invitation.accepted',
        targetType: 'invitation',
        targetId: invitation.id,
        data: {
          userId: user.id,
          email: invitation.email,
          roles: roleKeys,
          droppedRoles: invitation.roleKeys.filter((key) => !roleKeys.includes(key)),
        },
      },
    );
    return { ...session, userId: user.id, rbacVersion };
  });
  await publishRbacVersion(ctx.deps, tenant, result.rbacVersion);
  return {
    token: result.token,
    sessionId: result.sessionId,
    userId: result.userId,
    expiresAt: result.expiresAt,
  };
}

/** Invited custom roles deleted since the invitation are dropped, not failed on (the FK needs the row). */
async function existingRoleKeys(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id'>,
  keys: readonly string[],
): Promise<string[]> {
  const rows = await tx.select({ key: roles.key }).from(roles).where(eq(roles.tenantId, tenant.id));
  const present = new Set(rows.map((row) => row.key));
  return keys.filter((key) => present.has(key));
}
