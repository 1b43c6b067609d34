import type { Database } from '@tenantkit/db';
import { DomainError } from '@tenantkit/db';
import {
  decryptSecret,
  dummyPasswordVerify,
  type KeyRing,
  verifyPassword,
  verifyTotp,
} from '@tenantkit/identity';
import { asOwner } from '@tenantkit/lifecycle';
import { createOperatorSession, findOperatorByEmail, totpAad } from './store.ts';

export class OperatorLoginError extends DomainError {
  constructor(slug: 'invalid-credentials' | 'totp-required') {
    super(
      'unauthorized',
      slug,
      slug === 'totp-required'
        ? 'Operators sign in with a password and a TOTP code.'
        : 'Email, password or code is wrong.',
    );
  }
}

/**
 * Signs an operator in: password (argon2id) and a TOTP code, both always. A missing code is
 * refused before the password is even checked; a wrong one and an unknown email answer
 * the same; a code is accepted once (its time step is remembered).
 */
export async function signInOperator({
  admin,
  keyRing,
  input,
  meta,
}: {
  admin: Database;
  keyRing: KeyRing;
  input: { email: string; password: string; totp?: string | undefined };
  meta: { ip?: string | null; userAgent?: string | null };
}): Promise<{ token: string; operatorId: string }> {
  if (!input.totp) throw new OperatorLoginError('totp-required');
  const operator = await findOperatorByEmail(admin, input.email);
  if (operator?.status !== 'active') {
    await dummyPasswordVerify(input.password);
    throw new OperatorLoginError('invalid-credentials');
  }
  const password = await verifyPassword(operator.password_hash, input.password);
  if (!password.valid) throw new OperatorLoginError('invalid-credentials');
  const secret = decryptSecret(keyRing, operator.totp_secret, totpAad(operator.id));
  const lastUsedStep =
    operator.totp_last_step === null ? undefined : Number(operator.totp_last_step);
  const totp = verifyTotp(secret, input.totp, { lastUsedStep });
  if (!totp.valid) throw new OperatorLoginError('invalid-credentials');
  // Compare-and-set: of two requests with the same code, one wins.
  const claimed = await asOwner(
    admin,
    (tx) => tx`
      update operators set totp_last_step = ${totp.step}, last_login_at = now(), updated_at = now()
      where id = ${operator.id} and (totp_last_step is null or totp_last_step < ${totp.step})
      returning id`,
  );
  if (claimed.length === 0) throw new OperatorLoginError('invalid-credentials');
  const token = await createOperatorSession(admin, operator.id, meta);
  return { token, operatorId: operator.id };
}
