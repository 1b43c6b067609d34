import { schema, type TenantRecord, type TenantTx } from '@tenantkit/db';

import { BUILTIN_ROLE_KEYS, BUILTIN_ROLES } from '../rbac/index.ts';

/**
 * Gives a tenant what identity needs before its first member: the built-in role rows (keys
 * for bindings to reference; their permissions come from code) and its security settings.
 * Idempotent, so onboarding can be resumed or re-run.
 */
export async function provisionTenantIdentity(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id'>,
): Promise<void> {
  await tx
    .insert(schema.roles)
    .values(
      BUILTIN_ROLE_KEYS.map((key) => ({
        tenantId: tenant.id,
        key,
        name: BUILTIN_ROLES[key].name,
        description: BUILTIN_ROLES[key].description,
        permissions: [...BUILTIN_ROLES[key].permissions],
        builtin: true,
      })),
    )
    .onConflictDoNothing();
  await tx.insert(schema.tenantSecurity).values({ tenantId: tenant.id }).onConflictDoNothing();
}

/**
 * Bumps the tenant's RBAC version in the caller's transaction. The row lock it takes also
 * serialises concurrent role and binding changes of the tenant (so a last-owner check made
 * after it cannot race another demotion). Returns the new version.
 */
export async function bumpRbacVersion(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id'>,
): Promise<number> {
  const rows = await tx.$client<{ rbac_version: string }[]>`
    insert into tenant_security (tenant_id) values (${tenant.id})
    on conflict (tenant_id) do update set rbac_version = tenant_security.rbac_version + 1,
      updated_at = now()
    returning rbac_version`;
  return Number(rows[0]?.rbac_version ?? 1);
}
