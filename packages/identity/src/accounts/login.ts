import { schema, type TenantRecord, withTenant } from '@tenantkit/db';
import { and, eq } from 'drizzle-orm';
import { type AuditActor, appendAuditEvent } from '../audit/index.ts';
import { dummyPasswordVerify, hashPassword, verifyPassword } from '../crypto/index.ts';
import {
  createSession,
  deleteSessions,
  forgetSessions,
  type SessionStoreDeps,
} from '../sessions/index.ts';
import { enforceSsoRequired } from '../sso/password-policy.ts';
import { InvalidCredentialsError, MfaStepUnavailableError } from './errors.ts';
import { findUserByEmail, normalizeEmail } from './users.ts';

const { users } = schema;

export interface IdentityContext {
  deps: SessionStoreDeps;
  tenant: Pick<TenantRecord, 'id' | 'tier' | 'name'>;
  actor: AuditActor;
}

type FailureReason = 'unknown_account' | 'no_password' | 'deactivated' | 'bad_password';

/**
 * Password sign-in. Every failure is the same InvalidCredentialsError after the same amount of
 * argon2 work, so neither the answer nor its timing says whether the account exists; the real
 * reason goes to the audit log. The password is verified outside any transaction, so a slow
 * hash never holds a database connection.
 */
export async function loginWithPassword({
  ctx,
  input,
}: {
  ctx: IdentityContext;
  input: { email: string; password: string };
}): Promise<{ token: string; sessionId: string; userId: string; expiresAt: Date }> {
  const { deps, tenant } = ctx;
  const user = await withTenant(deps.db, tenant.id, (tx) =>
    findUserByEmail(tx, tenant, input.email),
  );
  const ssoPolicy = await enforceSsoRequired(ctx, input.email, user);
  let failure: FailureReason | null = null;
  let needsRehash = false;
  if (!user) failure = 'unknown_account';
  else if (!user.passwordHash) failure = 'no_password';
  if (!user?.passwordHash) {
    await dummyPasswordVerify(input.password);
  } else {
    const verification = await verifyPassword(user.passwordHash, input.password);
    if (!verification.valid) failure = 'bad_password';
    else if (user.status !== 'active') failure = 'deactivated';
    needsRehash = verification.needsRehash;
  }
  if (failure || !user) {
    await withTenant(deps.db, tenant.id, (tx) =>
      appendAuditEvent(tx, tenant, ctx.actor, {
        action: 'auth.login.failed',
        targetType: user ? 'user' : null,
        targetId: user?.id ?? null,
        data: { email: normalizeEmail(input.email).slice(0, 320), reason: failure },
      }),
    );
    throw new InvalidCredentialsError();
  }
  if (user.totpEnabledAt) throw new MfaStepUnavailableError();
  const rehashed = needsRehash ? await hashPassword(input.password) : undefined;
  return withTenant(deps.db, tenant.id, async (tx) => {
    const session = await createSession(tx, tenant, {
      userId: user.id,
      ip: ctx.actor.ip,
      userAgent: ctx.actor.userAgent,
    });
    await tx
      .update(users)
      .set({ lastLoginAt: new Date(), ...(rehashed ? { passwordHash: rehashed } : {}) })
      .where(and(eq(users.tenantId, tenant.id), eq(users.id, user.id)));
    await appendAuditEvent(
      tx,
      tenant,
      { ...ctx.actor, actorType: 'user', actorId: user.id },
      {
        action: 'auth.login.succeeded',
        targetType: 'session',
        targetId: session.sessionId,
        data: {
          ...(rehashed ? { passwordRehashed: true } : {}),
          ...(ssoPolicy.kind === 'break_glass' ? { breakGlass: ssoPolicy.connectionId } : {}),
        },
      },
    );
    return { ...session, userId: user.id };
  });
}

/**
 * Ends sessions of the signed-in user: the current one (logout) or another of theirs (revoke).
 * The cache is told after commit, and every instance checks the cache, so it holds everywhere.
 */
export async function revokeOwnSession({
  ctx,
  input,
}: {
  ctx: IdentityContext;
  input: { userId: string; sessionId: string; reason: 'logout' | 'revoke' };
}): Promise<boolean> {
  const { deps, tenant } = ctx;
  const removed = await withTenant(deps.db, tenant.id, async (tx) => {
    const ids = await deleteSessions(tx, tenant, {
      userId: input.userId,
      sessionId: input.sessionId,
    });
    if (ids.length > 0) {
      await appendAuditEvent(tx, tenant, ctx.actor, {
        action: input.reason === 'logout' ? 'auth.logout' : 'session.revoked',
        targetType: 'session',
        targetId: input.sessionId,
      });
    }
    return ids;
  });
  await forgetSessions(deps, tenant, removed);
  return removed.length > 0;
}
