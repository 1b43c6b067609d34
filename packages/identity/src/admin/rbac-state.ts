import { NotFoundError, schema, type TenantRecord, type TenantTx } from '@tenantkit/db';
import { and, count, eq, inArray } from 'drizzle-orm';
import { publishRbacVersion } from '../members/permissions.ts';
import {
  BUILTIN_ROLES,
  isBuiltinRole,
  isPermission,
  OWNER_ROLE_KEY,
  type Permission,
  type RoleDefinition,
} from '../rbac/index.ts';
import type { AdminContext } from './context.ts';
import { UnknownRoleError } from './errors.ts';

/**
 * Reads shared by the admin services, always inside the caller's tenant transaction and
 * always naming `tenant_id`, so another tenant's ids look exactly like ids that do not exist.
 */

type TenantRef = Pick<TenantRecord, 'id'>;
const { users, roles, roleBindings } = schema;

/** Roles by key: built-ins from code, custom ones from this tenant; unknown keys throw. */
export async function loadRoleDefinitions(
  tx: TenantTx,
  tenant: TenantRef,
  keys: readonly string[],
): Promise<Map<string, RoleDefinition>> {
  const wanted = [...new Set(keys)];
  const found = new Map<string, RoleDefinition>();
  const custom = wanted.filter((key) => !isBuiltinRole(key));
  for (const key of wanted) if (isBuiltinRole(key)) found.set(key, BUILTIN_ROLES[key]);
  if (custom.length > 0) {
    const rows = await tx
      .select({ key: roles.key, permissions: roles.permissions })
      .from(roles)
      .where(
        and(eq(roles.tenantId, tenant.id), eq(roles.builtin, false), inArray(roles.key, custom)),
      );
    for (const row of rows)
      found.set(row.key, { key: row.key, permissions: knownPermissions(row.permissions) });
  }
  const unknown = wanted.filter((key) => !found.has(key));
  if (unknown.length > 0) throw new UnknownRoleError(unknown);
  return found;
}

/** Stored names no longer in the catalog grant nothing (the evaluator's fail-closed rule). */
export function knownPermissions(stored: readonly string[]): Permission[] {
  return stored.filter(isPermission);
}

export async function findMemberRow(tx: TenantTx, tenant: TenantRef, userId: string) {
  const [user] = await tx
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenant.id), eq(users.id, userId)));
  if (!user) throw new NotFoundError('member');
  return user;
}

export async function principalRoleKeys(
  tx: TenantTx,
  tenant: TenantRef,
  principal: { type: 'user' | 'client'; id: string },
): Promise<string[]> {
  const rows = await tx
    .select({ roleKey: roleBindings.roleKey })
    .from(roleBindings)
    .where(
      and(
        eq(roleBindings.tenantId, tenant.id),
        eq(roleBindings.principalType, principal.type),
        eq(roleBindings.principalId, principal.id),
      ),
    )
    .orderBy(roleBindings.roleKey);
  return rows.map((row) => row.roleKey);
}

/** Owners are users bound to `owner`; read fresh in the transaction, never from the cache. */
export async function isOwner(tx: TenantTx, tenant: TenantRef, userId: string): Promise<boolean> {
  const [row] = await tx
    .select({ n: count() })
    .from(roleBindings)
    .where(
      and(
        eq(roleBindings.tenantId, tenant.id),
        eq(roleBindings.principalType, 'user'),
        eq(roleBindings.principalId, userId),
        eq(roleBindings.roleKey, OWNER_ROLE_KEY),
      ),
    );
  return (row?.n ?? 0) > 0;
}

export async function actorIsOwner(tx: TenantTx, ctx: AdminContext): Promise<boolean> {
  return ctx.principal.type === 'user' && isOwner(tx, ctx.tenant, ctx.principal.id);
}

/**
 * Active users bound to `owner`. Call it after `bumpRbacVersion`, whose row lock serialises
 * the tenant's RBAC changes, so two concurrent demotions cannot both see the other owner.
 */
export async function countActiveOwners(tx: TenantTx, tenant: TenantRef): Promise<number> {
  const rows = await tx.$client<{ n: string }[]>`
    select count(*) as n from role_bindings b
    join users u on u.tenant_id = b.tenant_id and u.id = b.principal_id
    where b.tenant_id = ${tenant.id} and b.principal_type = 'user' and b.role_key = ${OWNER_ROLE_KEY}
      and u.status = 'active'`;
  return Number(rows[0]?.n ?? 0);
}

/** Raises the Redis mirror of the RBAC version once the change has committed. */
export async function publishVersion(ctx: AdminContext, version: number): Promise<void> {
  await publishRbacVersion(ctx.deps, ctx.tenant, version);
}
