import { schema, type TenantRecord, type TenantTx } from '@tenantkit/db';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { decryptSecret, encryptSecret, type KeyRing } from '../crypto/envelope.ts';
import { verifyTotp } from '../crypto/totp.ts';

const { users } = schema;

/**
 * The aad binds a stored TOTP secret to its tenant and user: a blob copied into another row,
 * or another tenant's table, fails to decrypt instead of authenticating someone else.
 */
export const totpAad = (tenantId: string, userId: string) => `tenant:${tenantId}:totp:${userId}`;

export function sealTotpSecret(
  keyRing: KeyRing,
  tenantId: string,
  userId: string,
  secret: Uint8Array,
): string {
  return encryptSecret(keyRing, secret, totpAad(tenantId, userId));
}

export function openTotpSecret(
  keyRing: KeyRing,
  tenantId: string,
  userId: string,
  blob: string,
): Uint8Array {
  return decryptSecret(keyRing, blob, totpAad(tenantId, userId));
}

export interface TotpUser {
  id: string;
  totpSecret: string | null;
  totpLastStep: number | null;
}

/**
 * Checks a code against the user's stored secret and records its time step in the same
 * statement that proves it fresh (`totp_last_step < step`), so two requests racing with one
 * code cannot both pass: the second update matches no row. Runs in the caller's transaction.
 */
export async function consumeTotpCode(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id'>,
  keyRing: KeyRing,
  user: TotpUser,
  code: string,
  now = Date.now(),
): Promise<boolean> {
  if (!user.totpSecret) return false;
  const secret = openTotpSecret(keyRing, tenant.id, user.id, user.totpSecret);
  const result = verifyTotp(secret, code, {
    now,
    lastUsedStep: user.totpLastStep ?? undefined,
  });
  secret.fill(0);
  if (!result.valid) return false;
  const updated = await tx
    .update(users)
    .set({ totpLastStep: result.step })
    .where(
      and(
        eq(users.tenantId, tenant.id),
        eq(users.id, user.id),
        eq(users.totpSecret, user.totpSecret),
        or(isNull(users.totpLastStep), lt(users.totpLastStep, result.step)),
      ),
    )
    .returning({ id: users.id });
  return updated.length === 1;
}
