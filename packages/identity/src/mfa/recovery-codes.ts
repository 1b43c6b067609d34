import { schema, type TenantRecord, type TenantTx } from '@tenantkit/db';
import { and, count, eq } from 'drizzle-orm';
import { createRecoveryCodes, hashRecoveryCode, isRecoveryCodeFormat } from '../crypto/totp.ts';

const { recoveryCodes } = schema;

export const RECOVERY_CODE_COUNT = 10;

/** Hashes are domain-separated per tenant and user (see `hashRecoveryCode`). */
const subject = (tenantId: string, userId: string) => `${tenantId}:${userId}`;

/**
 * Replaces the user's recovery codes with a fresh set inside the caller's transaction and
 * returns the plaintext codes: shown once, stored nowhere.
 */
export async function replaceRecoveryCodes(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id'>,
  userId: string,
): Promise<string[]> {
  const { codes, hashes } = createRecoveryCodes(subject(tenant.id, userId), RECOVERY_CODE_COUNT);
  await deleteRecoveryCodes(tx, tenant, userId);
  await tx
    .insert(recoveryCodes)
    .values(hashes.map((codeHash) => ({ tenantId: tenant.id, userId, codeHash })));
  return codes;
}

export async function deleteRecoveryCodes(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id'>,
  userId: string,
): Promise<void> {
  await tx
    .delete(recoveryCodes)
    .where(and(eq(recoveryCodes.tenantId, tenant.id), eq(recoveryCodes.userId, userId)));
}

/**
 * Uses up a recovery code: the DELETE is the check, so a code works exactly once even when two
 * requests present it at the same moment (the second deletes nothing).
 */
export async function consumeRecoveryCode(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id'>,
  userId: string,
  code: string,
): Promise<boolean> {
  if (!isRecoveryCodeFormat(code)) return false;
  const removed = await tx
    .delete(recoveryCodes)
    .where(
      and(
        eq(recoveryCodes.tenantId, tenant.id),
        eq(recoveryCodes.userId, userId),
        eq(recoveryCodes.codeHash, hashRecoveryCode(code, subject(tenant.id, userId))),
      ),
    )
    .returning({ codeHash: recoveryCodes.codeHash });
  return removed.length === 1;
}

export async function countRecoveryCodes(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id'>,
  userId: string,
): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.tenantId, tenant.id), eq(recoveryCodes.userId, userId)));
  return row?.n ?? 0;
}
