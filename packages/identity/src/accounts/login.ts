import { schema, type TenantRecord, type TenantTx, withTenant } from '@tenantkit/db';
import { and, eq } from 'drizzle-orm';
import { type AuditActor, appendAuditEvent } from '../audit/index.ts';
import { dummyPasswordVerify, hashPassword, verifyPassword } from '../crypto/index.ts';
import { createMfaChallenge } from '../mfa/challenge.ts';
import { readMfaPolicy } from '../mfa/policy.ts';
import {
  createSession,
  deleteSessions,
  forgetSessions,
  type SessionStoreDeps,
} from '../sessions/index.ts';
import { enforceSsoRequired } from '../sso/password-policy.ts';
import { InvalidCredentialsError } from './errors.ts';
import { findUserByEmail, normalizeEmail } from './users.ts';

const { users } = schema;

export interface IdentityContext {
  deps: SessionStoreDeps;
  tenant: Pick<TenantRecord, 'id' | 'tier' | 'name'>;
  actor: AuditActor;
}

type FailureReason = 'unknown_account' | 'no_password' | 'deactivated' | 'bad_password';

export interface SignedIn {
  status: 'signed_in';
  token: string;
  sessionId: string;
  userId: string;
  expiresAt: Date;
}

/** The password was right and the account has MFA: no session until the second step. */
export interface MfaRequired {
  status: 'mfa_required';
  userId: string;
  /** The challenge token for the browser's MFA cookie; it exists nowhere else. */
  challengeToken: string;
  challengeExpiresAt: Date;
}

export type PasswordLoginResult = SignedIn | MfaRequired;

/**
 * Password sign-in. Every failure is the same InvalidCredentialsError after the same amount of
 * argon2 work, so neither the answer nor its timing says whether the account exists; the real
 * reason goes to the audit log. The password is verified outside any transaction, so a slow
 * hash never holds a database connection. An account with MFA gets a challenge instead of a
 * session (see `completeMfaLogin`).
 */
export async function loginWithPassword({
  ctx,
  input,
}: {
  ctx: IdentityContext;
  input: { email: string; password: string };
}): Promise<PasswordLoginResult> {
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
  const rehashed = needsRehash ? await hashPassword(input.password) : undefined;
  if (user.totpEnabledAt) {
    const challenge = await createMfaChallenge(deps, tenant, user.id);
    await withTenant(deps.db, tenant.id, async (tx) => {
      if (rehashed) await saveRehash(tx, tenant, user.id, rehashed);
      await appendAuditEvent(
        tx,
        tenant,
        { ...ctx.actor, actorType: 'user', actorId: user.id },
        {
          action: 'auth.login.mfa_challenged',
          targetType: 'user',
          targetId: user.id,
          data: rehashed ? { passwordRehashed: true } : {},
        },
      );
    });
    return {
      status: 'mfa_required',
      userId: user.id,
      challengeToken: challenge.token,
      challengeExpiresAt: challenge.expiresAt,
    };
  }
  return withTenant(deps.db, tenant.id, async (tx) => {
    const session = await createSession(tx, tenant, {
      userId: user.id,
      ip: ctx.actor.ip,
      userAgent: ctx.actor.userAgent,
    });
    // Only while still active: the row lock orders this against a concurrent deactivation,
    // which then deletes this session too, or makes this sign-in fail.
    const stillActive = await tx
      .update(users)
      .set({ lastLoginAt: new Date() })
      .where(and(eq(users.tenantId, tenant.id), eq(users.id, user.id), eq(users.status, 'active')))
      .returning({ id: users.id });
    if (stillActive.length === 0) throw new InvalidCredentialsError();
    if (rehashed) await saveRehash(tx, tenant, user.id, rehashed);
    const policy = await readMfaPolicy(tx, tenant);
    await appendAuditEvent(
      tx,
      tenant,
      { ...ctx.actor, actorType: 'user', actorId: user.id },
      {
        action: 'auth.login.succeeded',
        targetType: 'session',
        targetId: session.sessionId,
        // Under the MFA-required policy this session can only enrol (see mfaEnrolmentRequired).
        data: {
          mfa: policy.mfaRequired ? 'enrolment_required' : 'none',
          ...(rehashed ? { passwordRehashed: true } : {}),
          ...(ssoPolicy.kind === 'break_glass' ? { breakGlass: ssoPolicy.connectionId } : {}),
        },
      },
    );
    return { status: 'signed_in' as const, ...session, userId: user.id };
  });
}

async function saveRehash(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id'>,
  userId: string,
  passwordHash: string,
): Promise<void> {
  await tx
    .update(users)
    .set({ passwordHash })
    .where(and(eq(users.tenantId, tenant.id), eq(users.id, userId)));
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
