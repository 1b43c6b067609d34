import { schema, withTenant } from '@tenantkit/db';
import { and, eq, ne } from 'drizzle-orm';
import { appendAuditEvent } from '../audit/index.ts';
import { checkPasswordPolicy } from '../crypto/password-policy.ts';
import { hashPassword, verifyPassword } from '../crypto/passwords.ts';
import { ReauthenticationFailedError } from '../mfa/errors.ts';
import { forgetSessions } from '../sessions/index.ts';
import { WeakPasswordError } from './errors.ts';
import type { IdentityContext } from './login.ts';

const { sessions, users } = schema;

/**
 * Changes the signed-in member's password: the current one must be right, the new one must
 * pass the policy (length, common-password list, not derived from the email or workspace).
 * Every other session of the member ends in the same commit, so whoever else held one (a
 * stolen cookie, a forgotten laptop) is out; the session making the change stays.
 *
 * Both argon2 computations run outside the transaction; the update only applies if the hash
 * is still the one that was verified, so two concurrent changes cannot both succeed.
 */
export async function changePassword({
  ctx,
  input,
}: {
  ctx: IdentityContext;
  input: {
    userId: string;
    currentSessionId: string;
    currentPassword: string;
    newPassword: string;
  };
}): Promise<{ revokedSessions: number }> {
  const { deps, tenant } = ctx;
  const [user] = await withTenant(deps.db, tenant.id, (tx) =>
    tx
      .select({ id: users.id, email: users.email, passwordHash: users.passwordHash })
      .from(users)
      .where(and(eq(users.tenantId, tenant.id), eq(users.id, input.userId))),
  );
  if (!user) throw new Error('signed-in user not found');
  const current = user.passwordHash
    ? await verifyPassword(user.passwordHash, input.currentPassword)
    : { valid: false };
  if (!current.valid || !user.passwordHash) {
    await withTenant(deps.db, tenant.id, (tx) =>
      appendAuditEvent(tx, tenant, ctx.actor, {
        action: 'auth.password.change_failed',
        targetType: 'user',
        targetId: user.id,
        data: { reason: 'bad_current_password' },
      }),
    );
    throw new ReauthenticationFailedError();
  }
  const policy = checkPasswordPolicy(input.newPassword, {
    email: user.email,
    tenantName: tenant.name,
  });
  if (!policy.ok) throw new WeakPasswordError(policy.reason);
  const newHash = await hashPassword(input.newPassword);
  const verifiedHash = user.passwordHash;

  const revoked = await withTenant(deps.db, tenant.id, async (tx) => {
    const updated = await tx
      .update(users)
      .set({ passwordHash: newHash, updatedAt: new Date() })
      .where(
        and(
          eq(users.tenantId, tenant.id),
          eq(users.id, user.id),
          eq(users.passwordHash, verifiedHash),
        ),
      )
      .returning({ id: users.id });
    // Someone changed it between our check and now: their change stands, ours is refused.
    if (updated.length !== 1) throw new ReauthenticationFailedError();
    const ended = await tx
      .delete(sessions)
      .where(
        and(
          eq(sessions.tenantId, tenant.id),
          eq(sessions.userId, user.id),
          ne(sessions.id, input.currentSessionId),
        ),
      )
      .returning({ id: sessions.id });
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'auth.password.changed',
      targetType: 'user',
      targetId: user.id,
      data: { revokedSessions: ended.length },
    });
    return ended.map((s) => s.id);
  });
  await forgetSessions(deps, tenant, revoked);
  return { revokedSessions: revoked.length };
}
