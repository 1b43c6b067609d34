import { schema, withTenant } from '@tenantkit/db';
import { and, eq } from 'drizzle-orm';
import type { SignedIn } from '../accounts/login.ts';
import { appendAuditEvent } from '../audit/index.ts';
import { isRecoveryCodeFormat } from '../crypto/totp.ts';
import { createSession } from '../sessions/index.ts';
import { consumeMfaChallenge, readMfaChallenge, recordMfaChallengeFailure } from './challenge.ts';
import type { MfaContext } from './enrolment.ts';
import { InvalidMfaCodeError, MfaChallengeInvalidError } from './errors.ts';
import { consumeRecoveryCode, countRecoveryCodes } from './recovery-codes.ts';
import { consumeTotpCode } from './totp-secret.ts';

const { users } = schema;

type Method = 'totp' | 'recovery_code';

class CodeRefused extends Error {}

/**
 * The second step of sign-in: the browser's challenge plus a TOTP code or a recovery code
 * (which is used up). `throttle` runs once the challenge names its user and before any code is
 * checked, so the transport can rate-limit guesses per account; it throws to refuse.
 *
 * Failures: a bad, stale or foreign challenge is `MfaChallengeInvalidError`; a wrong, replayed
 * or used code is `InvalidMfaCodeError` (the same for both methods) and counts against the
 * challenge. The session, the code's consumption, the challenge's consumption and the audit
 * events commit together.
 */
export async function completeMfaLogin({
  ctx,
  input,
}: {
  ctx: MfaContext;
  input: {
    challengeToken: string | undefined;
    code: string;
    throttle?: (userId: string) => Promise<void>;
  };
}): Promise<SignedIn> {
  const { deps, tenant } = ctx;
  const challenge = await readMfaChallenge(deps, tenant, input.challengeToken);
  if (!challenge || !input.challengeToken) throw new MfaChallengeInvalidError();
  const challengeToken = input.challengeToken;
  await input.throttle?.(challenge.userId);

  const code = input.code.trim();
  const method: Method | null = /^[0-9]{6}$/.test(code)
    ? 'totp'
    : isRecoveryCodeFormat(code)
      ? 'recovery_code'
      : null;
  const actor = { ...ctx.actor, actorType: 'user' as const, actorId: challenge.userId };
  try {
    return await withTenant(deps.db, tenant.id, async (tx) => {
      const [user] = await tx
        .select({
          id: users.id,
          status: users.status,
          totpSecret: users.totpSecret,
          totpEnabledAt: users.totpEnabledAt,
          totpLastStep: users.totpLastStep,
        })
        .from(users)
        .where(and(eq(users.tenantId, tenant.id), eq(users.id, challenge.userId)));
      // Deactivated or MFA switched off since the password step: start again.
      if (user?.status !== 'active' || !user.totpEnabledAt) {
        throw new MfaChallengeInvalidError();
      }
      const accepted =
        method === 'totp'
          ? await consumeTotpCode(tx, tenant, ctx.keyRing, user, code)
          : method === 'recovery_code'
            ? await consumeRecoveryCode(tx, tenant, user.id, code)
            : false;
      if (!accepted) throw new CodeRefused();
      // Single use: of two requests racing with good codes, one deletes the challenge.
      if (!(await consumeMfaChallenge(deps, tenant, challengeToken))) {
        throw new MfaChallengeInvalidError();
      }
      const session = await createSession(tx, tenant, {
        userId: user.id,
        ip: ctx.actor.ip,
        userAgent: ctx.actor.userAgent,
      });
      await tx
        .update(users)
        .set({ lastLoginAt: new Date() })
        .where(and(eq(users.tenantId, tenant.id), eq(users.id, user.id)));
      if (method === 'recovery_code') {
        await appendAuditEvent(tx, tenant, actor, {
          action: 'mfa.recovery_code.used',
          targetType: 'user',
          targetId: user.id,
          data: { remaining: await countRecoveryCodes(tx, tenant, user.id) },
        });
      }
      await appendAuditEvent(tx, tenant, actor, {
        action: 'auth.login.succeeded',
        targetType: 'session',
        targetId: session.sessionId,
        data: { mfa: method },
      });
      return { status: 'signed_in' as const, ...session, userId: user.id };
    });
  } catch (error) {
    // A challenge whose member can no longer finish (deactivated, MFA turned off) is spent.
    if (error instanceof MfaChallengeInvalidError) {
      await consumeMfaChallenge(deps, tenant, challengeToken);
    }
    if (!(error instanceof CodeRefused)) throw error;
    await recordMfaChallengeFailure(deps, tenant, challengeToken);
    await withTenant(deps.db, tenant.id, (tx) =>
      appendAuditEvent(tx, tenant, actor, {
        action: 'auth.login.failed',
        targetType: 'user',
        targetId: challenge.userId,
        data: { reason: 'bad_mfa_code', mfa: method ?? 'malformed' },
      }),
    );
    throw new InvalidMfaCodeError();
  }
}
