import { randomUUID } from 'node:crypto';
import { ConflictError, type Database, InvalidInputError } from '@tenantkit/db';
import {
  checkPasswordPolicy,
  createSessionToken,
  createTotpEnrollment,
  encryptSecret,
  hashPassword,
  type KeyRing,
} from '@tenantkit/identity';
import { asOwner } from '@tenantkit/lifecycle';

export interface OperatorRow {
  id: string;
  email: string;
  name: string;
  status: 'active' | 'disabled';
  password_hash: string;
  totp_secret: string;
  totp_last_step: string | null;
}

/** The associated data of an operator's encrypted TOTP secret: it cannot be moved to another row. */
export const totpAad = (operatorId: string) => `operator:${operatorId}:totp`;

/**
 * Creates an operator with a password and TOTP, both required from the first sign-in on:
 * returns the otpauth URI to enrol an authenticator (shown once, never stored in clear).
 */
export async function createOperator(
  admin: Database,
  keyRing: KeyRing,
  input: { email: string; name?: string; password: string },
): Promise<{ id: string; totpUri: string; totpSecretBase32: string }> {
  const email = input.email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(email) || email.length > 320) {
    throw new InvalidInputError('invalid-email', 'email is not an address');
  }
  const policy = checkPasswordPolicy(input.password, { email });
  if (!policy.ok)
    throw new InvalidInputError('weak-password', `password refused: ${policy.reason}`);
  const id = randomUUID();
  const { secret, uri } = createTotpEnrollment({
    issuer: 'Tenantkit operators',
    accountName: email,
  });
  const passwordHash = await hashPassword(input.password);
  const inserted = await asOwner(
    admin,
    (tx) => tx`
      insert into operators (id, email, name, password_hash, totp_secret)
      values (${id}, ${email}, ${input.name ?? ''}, ${passwordHash},
        ${encryptSecret(keyRing, secret, totpAad(id))})
      on conflict (email) do nothing returning id`,
  );
  if (inserted.length === 0) throw new ConflictError('operator-exists', `operator ${email} exists`);
  return { id, totpUri: uri, totpSecretBase32: new URL(uri).searchParams.get('secret') ?? '' };
}

export async function findOperatorByEmail(admin: Database, email: string) {
  const rows = await asOwner(
    admin,
    (tx) => tx<OperatorRow[]>`
      select id, email, name, status, password_hash, totp_secret, totp_last_step::text
      from operators where email = ${email.trim().toLowerCase()}`,
  );
  return rows[0];
}

export const OPERATOR_SESSION = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

export async function createOperatorSession(
  admin: Database,
  operatorId: string,
  meta: { ip?: string | null; userAgent?: string | null },
): Promise<string> {
  const token = createSessionToken();
  const now = Date.now();
  await asOwner(
    admin,
    (tx) => tx`
      insert into operator_sessions (id, operator_id, secret_hash, ip, user_agent, expires_at,
        absolute_expires_at)
      values (${token.id}, ${operatorId}, ${token.secretHash}, ${meta.ip ?? null}::inet,
        ${meta.userAgent?.slice(0, 512) ?? null},
        ${new Date(now + OPERATOR_SESSION.idleMs).toISOString()}::timestamptz,
        ${new Date(now + OPERATOR_SESSION.absoluteMs).toISOString()}::timestamptz)`,
  );
  return token.token;
}
