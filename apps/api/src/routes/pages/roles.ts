import { schema, type TenantTx } from '@tenantkit/db';
import { and, asc, eq } from 'drizzle-orm';

/** The member's role bindings and where each came from (`idp`: SSO group mapping). */
export function listUserRoles(tx: TenantTx, tenantId: string, userId: string) {
  const { roleBindings } = schema;
  return tx
    .select({ key: roleBindings.roleKey, source: roleBindings.source })
    .from(roleBindings)
    .where(
      and(
        eq(roleBindings.tenantId, tenantId),
        eq(roleBindings.principalType, 'user'),
        eq(roleBindings.principalId, userId),
      ),
    )
    .orderBy(asc(roleBindings.roleKey));
}
