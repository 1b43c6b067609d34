import { schema, type TenantRecord, type TenantTx } from '@tenantkit/db';
import { and, eq, inArray } from 'drizzle-orm';
import type { User } from '../accounts/users.ts';

/** A member as admins see it: never the password hash or TOTP secret. */
export interface MemberView {
  id: string;
  email: string;
  name: string;
  status: 'active' | 'deactivated';
  roles: string[];
  mfaEnabled: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}

/** Adds each user's role keys (sorted) in one query. */
export async function toMemberViews(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id'>,
  rows: User[],
): Promise<MemberView[]> {
  const { roleBindings } = schema;
  const ids = rows.map((row) => row.id);
  const bindings =
    ids.length === 0
      ? []
      : await tx
          .select({ principalId: roleBindings.principalId, roleKey: roleBindings.roleKey })
          .from(roleBindings)
          .where(
            and(
              eq(roleBindings.tenantId, tenant.id),
              eq(roleBindings.principalType, 'user'),
              inArray(roleBindings.principalId, ids),
            ),
          );
  const rolesOf = new Map<string, string[]>();
  for (const b of bindings)
    rolesOf.set(b.principalId, [...(rolesOf.get(b.principalId) ?? []), b.roleKey]);
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    name: row.name,
    status: row.status,
    roles: (rolesOf.get(row.id) ?? []).sort(),
    mfaEnabled: row.totpEnabledAt !== null,
    lastLoginAt: row.lastLoginAt,
    createdAt: row.createdAt,
  }));
}
