import type { Database } from '@tenantkit/db';
import type postgres from 'postgres';

export interface OwnerTxOptions {
  /** Bounds how long any statement waits for a lock; a timeout fails with SQLSTATE 55P03. */
  lockTimeoutMs?: number;
}

/**
 * A transaction as the owner role, the only role that reaches every tenant's rows (through the
 * `owner_maintenance` policies) and may run partition DDL. Never used to serve a tenant.
 */
export function asOwner<T>(
  admin: Database,
  fn: (tx: postgres.TransactionSql) => Promise<T>,
  { lockTimeoutMs }: OwnerTxOptions = {},
): Promise<T> {
  return admin.sql.begin(async (tx) => {
    await tx`set local role tenantkit_owner`;
    if (lockTimeoutMs !== undefined) {
      await tx`select set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, true)`;
    }
    return fn(tx);
  }) as Promise<T>;
}

export function isLockTimeout(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '55P03';
}

/** Retries `fn` while it fails on a lock timeout, with exponential backoff and full jitter. */
export async function retryOnLockTimeout<T>(
  fn: (attempt: number) => Promise<T>,
  {
    retries = 8,
    baseMs = 50,
    onRetry,
  }: { retries?: number; baseMs?: number; onRetry?: () => void } = {},
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isLockTimeout(error) || attempt >= retries) throw error;
      onRetry?.();
      const ceiling = baseMs * 2 ** attempt;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}
