import { schema, type TenantRecord, type TenantTx, uuidv7 } from '@tenantkit/db';
import { and, eq, sql } from 'drizzle-orm';
import { checkPasswordPolicy, hashPassword } from '../crypto/index.ts';
import { EmailTakenError, WeakPasswordError } from './errors.ts';

const { users } = schema;
export type User = typeof users.$inferSelect;

const UNIQUE_VIOLATION = '23505';

/** Emails compare case-insensitively (the unique index is on lower(email)). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id'>,
  email: string,
) {
  const [user] = await tx
    .select()
    .from(users)
    .where(
      and(eq(users.tenantId, tenant.id), sql`lower(${users.email}) = ${normalizeEmail(email)}`),
    );
  return user;
}

/**
 * Creates a member inside the caller's transaction. The password (if any) is checked against
 * the policy and hashed before the transaction is touched.
 */
export async function insertUser(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id' | 'name'>,
  input: { email: string; name?: string; password?: string },
): Promise<User> {
  let passwordHash: string | null = null;
  if (input.password !== undefined) {
    const policy = checkPasswordPolicy(input.password, {
      email: input.email,
      tenantName: tenant.name,
    });
    if (!policy.ok) throw new WeakPasswordError(policy.reason);
    passwordHash = await hashPassword(input.password);
  }
  try {
    const [user] = await tx
      .insert(users)
      .values({
        tenantId: tenant.id,
        id: uuidv7(),
        email: input.email.trim(),
        name: input.name ?? '',
        passwordHash,
      })
      .returning();
    if (!user) throw new Error('insert returned no row');
    return user;
  } catch (error) {
    if (pgCode(error) === UNIQUE_VIOLATION) throw new EmailTakenError();
    throw error;
  }
}

/** drizzle wraps driver errors; the Postgres code may be on the error or on its cause. */
export function pgCode(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } };
  return e.code ?? e.cause?.code;
}
