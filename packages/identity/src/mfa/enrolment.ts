/**
 * TOTP enrolment and its management by the member themself: start (a pending secret), confirm
 * with a first code (enables MFA and issues recovery codes), disable and regenerate recovery
 * codes (both need the password or a current code), and the status the account page shows.
 *
 * A pending enrolment is `totp_secret` set with `totp_enabled_at` null; sign-in ignores it.
 */

import { createTOTPKeyURI } from '@oslojs/otp';
import { schema, type TenantRecord, type TenantTx, withTenant } from '@tenantkit/db';
import { and, eq, isNull } from 'drizzle-orm';
import type { IdentityContext } from '../accounts/login.ts';
import { appendAuditEvent } from '../audit/index.ts';
import type { KeyRing } from '../crypto/envelope.ts';
import { verifyPassword } from '../crypto/passwords.ts';
import { randomBytes } from '../crypto/secrets.ts';
import { TOTP_DIGITS, TOTP_PERIOD_SECONDS } from '../crypto/totp.ts';
import {
  InvalidMfaCodeError,
  MfaAlreadyEnabledError,
  MfaNotEnabledError,
  NoPendingEnrolmentError,
  ReauthenticationFailedError,
} from './errors.ts';
import { publishMfaEnrolment, readMfaPolicy } from './policy.ts';
import { countRecoveryCodes, deleteRecoveryCodes, replaceRecoveryCodes } from './recovery-codes.ts';
import { consumeTotpCode, openTotpSecret, sealTotpSecret } from './totp-secret.ts';

const { users } = schema;

/** Identity services that read or write secrets at rest also need the key ring. */
export interface MfaContext extends IdentityContext {
  keyRing: KeyRing;
}

/** Proof of presence for sensitive changes: the account password or a current TOTP code. */
export type Reauthentication = { password: string } | { code: string };

export interface TotpSetup {
  /** Base32, for typing into an authenticator app by hand. */
  secret: string;
  /** `otpauth://totp/...`, what a QR code would carry. */
  uri: string;
}

const TOTP_SECRET_BYTES = 20;

async function loadUser(tx: TenantTx, tenant: Pick<TenantRecord, 'id'>, userId: string) {
  const [user] = await tx
    .select({
      id: users.id,
      email: users.email,
      passwordHash: users.passwordHash,
      totpSecret: users.totpSecret,
      totpEnabledAt: users.totpEnabledAt,
      totpLastStep: users.totpLastStep,
    })
    .from(users)
    .where(and(eq(users.tenantId, tenant.id), eq(users.id, userId)));
  if (!user) throw new Error('signed-in user not found');
  return user;
}

function setupFor(tenantName: string, email: string, secret: Uint8Array): TotpSetup {
  const uri = createTOTPKeyURI(tenantName, email, secret, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
  return { uri, secret: new URL(uri).searchParams.get('secret') ?? '' };
}

/** Starts (or restarts) enrolment with a new secret, stored encrypted and pending. */
export async function startTotpEnrolment({
  ctx,
  input,
}: {
  ctx: MfaContext;
  input: { userId: string };
}): Promise<TotpSetup> {
  const { deps, tenant } = ctx;
  const secret = randomBytes(TOTP_SECRET_BYTES);
  try {
    return await withTenant(deps.db, tenant.id, async (tx) => {
      const user = await loadUser(tx, tenant, input.userId);
      if (user.totpEnabledAt) throw new MfaAlreadyEnabledError();
      await tx
        .update(users)
        .set({
          totpSecret: sealTotpSecret(ctx.keyRing, tenant.id, user.id, secret),
          totpLastStep: null,
          updatedAt: new Date(),
        })
        .where(
          and(eq(users.tenantId, tenant.id), eq(users.id, user.id), isNull(users.totpEnabledAt)),
        );
      return setupFor(tenant.name, user.email, secret);
    });
  } finally {
    secret.fill(0);
  }
}

/** The pending enrolment's secret again (the page re-renders it after a mistyped code). */
export async function pendingTotpEnrolment({
  ctx,
  input,
}: {
  ctx: MfaContext;
  input: { userId: string };
}): Promise<TotpSetup | null> {
  const { deps, tenant } = ctx;
  const user = await withTenant(deps.db, tenant.id, (tx) => loadUser(tx, tenant, input.userId));
  if (user.totpEnabledAt || !user.totpSecret) return null;
  const secret = openTotpSecret(ctx.keyRing, tenant.id, user.id, user.totpSecret);
  try {
    return setupFor(tenant.name, user.email, secret);
  } finally {
    secret.fill(0);
  }
}

/**
 * Confirms the pending enrolment with a code from the app: MFA is on from this commit, and
 * the returned recovery codes are the only copy anywhere.
 */
export async function confirmTotpEnrolment({
  ctx,
  input,
}: {
  ctx: MfaContext;
  input: { userId: string; code: string };
}): Promise<{ recoveryCodes: string[] }> {
  const { deps, tenant } = ctx;
  const codes = await withTenant(deps.db, tenant.id, async (tx) => {
    const user = await loadUser(tx, tenant, input.userId);
    if (user.totpEnabledAt) throw new MfaAlreadyEnabledError();
    if (!user.totpSecret) throw new NoPendingEnrolmentError();
    if (!(await consumeTotpCode(tx, tenant, ctx.keyRing, user, input.code))) {
      throw new InvalidMfaCodeError();
    }
    await tx
      .update(users)
      .set({ totpEnabledAt: new Date(), updatedAt: new Date() })
      .where(and(eq(users.tenantId, tenant.id), eq(users.id, user.id)));
    const recoveryCodes = await replaceRecoveryCodes(tx, tenant, user.id);
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'mfa.enabled',
      targetType: 'user',
      targetId: user.id,
      data: { method: 'totp', recoveryCodes: recoveryCodes.length },
    });
    return recoveryCodes;
  });
  await publishMfaEnrolment(deps, tenant, input.userId, true);
  return { recoveryCodes: codes };
}

/**
 * Checks a password proof before any transaction opens, so argon2 never holds a connection
 * (like sign-in). A code proof is checked by `checkCodeProof` instead, inside the transaction
 * that makes the change, because using the code up must commit together with the change.
 */
async function checkPasswordProof(ctx: MfaContext, userId: string, proof: Reauthentication) {
  if (!('password' in proof)) return;
  const user = await withTenant(ctx.deps.db, ctx.tenant.id, (tx) =>
    loadUser(tx, ctx.tenant, userId),
  );
  const ok = user.passwordHash
    ? (await verifyPassword(user.passwordHash, proof.password)).valid
    : false;
  if (!ok) throw new ReauthenticationFailedError();
}

async function checkCodeProof(
  tx: TenantTx,
  ctx: MfaContext,
  user: Awaited<ReturnType<typeof loadUser>>,
  proof: Reauthentication,
): Promise<'password' | 'totp'> {
  if ('password' in proof) return 'password';
  if (!(await consumeTotpCode(tx, ctx.tenant, ctx.keyRing, user, proof.code))) {
    throw new ReauthenticationFailedError();
  }
  return 'totp';
}

/** Turns MFA off and deletes the secret and every recovery code. */
export async function disableTotp({
  ctx,
  input,
}: {
  ctx: MfaContext;
  input: { userId: string; proof: Reauthentication };
}): Promise<void> {
  const { deps, tenant } = ctx;
  await checkPasswordProof(ctx, input.userId, input.proof);
  await withTenant(deps.db, tenant.id, async (tx) => {
    const user = await loadUser(tx, tenant, input.userId);
    if (!user.totpEnabledAt) throw new MfaNotEnabledError();
    const verifiedWith = await checkCodeProof(tx, ctx, user, input.proof);
    await tx
      .update(users)
      .set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: new Date() })
      .where(and(eq(users.tenantId, tenant.id), eq(users.id, user.id)));
    await deleteRecoveryCodes(tx, tenant, user.id);
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'mfa.disabled',
      targetType: 'user',
      targetId: user.id,
      data: { method: 'totp', verifiedWith },
    });
  });
  await publishMfaEnrolment(deps, tenant, input.userId, false);
}

/** A new set of recovery codes; every earlier code stops working in the same commit. */
export async function regenerateRecoveryCodes({
  ctx,
  input,
}: {
  ctx: MfaContext;
  input: { userId: string; proof: Reauthentication };
}): Promise<{ recoveryCodes: string[] }> {
  const { deps, tenant } = ctx;
  await checkPasswordProof(ctx, input.userId, input.proof);
  const recoveryCodes = await withTenant(deps.db, tenant.id, async (tx) => {
    const user = await loadUser(tx, tenant, input.userId);
    if (!user.totpEnabledAt) throw new MfaNotEnabledError();
    const verifiedWith = await checkCodeProof(tx, ctx, user, input.proof);
    const codes = await replaceRecoveryCodes(tx, tenant, user.id);
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'mfa.recovery_codes.regenerated',
      targetType: 'user',
      targetId: user.id,
      data: { verifiedWith, recoveryCodes: codes.length },
    });
    return codes;
  });
  return { recoveryCodes };
}

export interface MfaStatus {
  enabled: boolean;
  enabledAt: Date | null;
  /** An enrolment was started and not confirmed yet. */
  pending: boolean;
  recoveryCodesRemaining: number;
  /** The tenant requires MFA of every member. */
  requiredByTenant: boolean;
}

export async function getMfaStatus({
  ctx,
  input,
}: {
  ctx: IdentityContext;
  input: { userId: string };
}): Promise<MfaStatus> {
  const { deps, tenant } = ctx;
  return withTenant(deps.db, tenant.id, async (tx) => {
    const user = await loadUser(tx, tenant, input.userId);
    const policy = await readMfaPolicy(tx, tenant);
    return {
      enabled: Boolean(user.totpEnabledAt),
      enabledAt: user.totpEnabledAt,
      pending: !user.totpEnabledAt && Boolean(user.totpSecret),
      recoveryCodesRemaining: user.totpEnabledAt
        ? await countRecoveryCodes(tx, tenant, user.id)
        : 0,
      requiredByTenant: policy.mfaRequired,
    };
  });
}
