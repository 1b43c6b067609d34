import { NotFoundError, schema, type TenantTx, withTenant } from '@tenantkit/db';
import { and, count, eq, sql } from 'drizzle-orm';
import { pgCode } from '../accounts/users.ts';
import type { AdminContext } from '../admin/context.ts';
import { RoleExistsError, RoleInUseError } from '../admin/errors.ts';
import { knownPermissions, publishVersion } from '../admin/rbac-state.ts';
import { appendAuditEvent } from '../audit/index.ts';
import { bumpRbacVersion } from '../members/provision.ts';
import {
  assertCanGrant,
  assertCanModifyRole,
  assertPermitted,
  assertRoleEditable,
  parseCustomRole,
  parsePermissions,
} from '../rbac/index.ts';
import { customRoleView, type RoleView } from './view.ts';

const { roles, roleBindings } = schema;

/**
 * Custom role writes. Each checks `roles:manage`, then that the actor holds every permission
 * the role has and will have (nobody grants what they do not hold, nor guts a stronger role),
 * bumps the tenant's RBAC version and writes its audit event in the same transaction.
 * Built-in keys are refused before any lookup: they are defined in code.
 */

export async function createRole({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: { key: string; name: string; description?: string; permissions: string[] };
}): Promise<RoleView> {
  assertPermitted(ctx.principal.permissions, ['roles:manage']);
  const parsed = parseCustomRole(input);
  assertCanGrant({ actor: ctx.principal.permissions, permissions: parsed.permissions });
  const { tenant } = ctx;
  const { row, version } = await withTenant(ctx.deps.db, tenant.id, async (tx) => {
    const [existing] = await tx
      .select({ key: roles.key })
      .from(roles)
      .where(and(eq(roles.tenantId, tenant.id), eq(roles.key, parsed.key)));
    if (existing) throw new RoleExistsError(parsed.key);
    const version = await bumpRbacVersion(tx, tenant);
    const [row] = await tx
      .insert(roles)
      .values({
        tenantId: tenant.id,
        key: parsed.key,
        name: input.name,
        description: input.description ?? '',
        permissions: parsed.permissions,
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'role.created',
      targetType: 'role',
      targetId: row.key,
      data: {
        after: { name: row.name, description: row.description, permissions: row.permissions },
      },
    });
    return { row, version };
  }).catch((error: unknown) => {
    // Two creators of one key: the loser's insert hits the primary key.
    if (pgCode(error) === '23505') throw new RoleExistsError(parsed.key);
    throw error;
  });
  await publishVersion(ctx, version);
  return customRoleView(row);
}

export async function updateRole({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: { roleKey: string; name?: string; description?: string; permissions?: string[] };
}): Promise<RoleView> {
  assertPermitted(ctx.principal.permissions, ['roles:manage']);
  assertRoleEditable({ key: input.roleKey });
  const permissions = input.permissions ? parsePermissions(input.permissions) : undefined;
  const { tenant } = ctx;
  const { row, version } = await withTenant(ctx.deps.db, tenant.id, async (tx) => {
    const current = await lockCustomRole(tx, tenant.id, input.roleKey);
    assertCanModifyRole({
      actor: ctx.principal.permissions,
      role: { key: current.key, permissions: knownPermissions(current.permissions) },
      ...(permissions ? { permissions } : {}),
    });
    const version = await bumpRbacVersion(tx, tenant);
    const [row] = await tx
      .update(roles)
      .set({
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(permissions ? { permissions } : {}),
        updatedAt: sql`now()`,
      })
      .where(and(eq(roles.tenantId, tenant.id), eq(roles.key, current.key)))
      .returning();
    if (!row) throw new Error('update returned no row');
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'role.updated',
      targetType: 'role',
      targetId: row.key,
      data: {
        before: {
          name: current.name,
          description: current.description,
          permissions: current.permissions,
        },
        after: { name: row.name, description: row.description, permissions: row.permissions },
      },
    });
    return { row, version };
  });
  await publishVersion(ctx, version);
  return customRoleView(row);
}

/** Refused while any principal is bound to the role (the bindings' FK would refuse it too). */
export async function deleteRole({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: { roleKey: string };
}): Promise<void> {
  assertPermitted(ctx.principal.permissions, ['roles:manage']);
  assertRoleEditable({ key: input.roleKey });
  const { tenant } = ctx;
  const version = await withTenant(ctx.deps.db, tenant.id, async (tx) => {
    const current = await lockCustomRole(tx, tenant.id, input.roleKey);
    assertCanModifyRole({
      actor: ctx.principal.permissions,
      role: { key: current.key, permissions: knownPermissions(current.permissions) },
    });
    const version = await bumpRbacVersion(tx, tenant);
    const [bound] = await tx
      .select({ n: count() })
      .from(roleBindings)
      .where(and(eq(roleBindings.tenantId, tenant.id), eq(roleBindings.roleKey, current.key)));
    if ((bound?.n ?? 0) > 0) throw new RoleInUseError(current.key, bound?.n ?? 0);
    await tx.delete(roles).where(and(eq(roles.tenantId, tenant.id), eq(roles.key, current.key)));
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'role.deleted',
      targetType: 'role',
      targetId: current.key,
      data: {
        before: {
          name: current.name,
          description: current.description,
          permissions: current.permissions,
        },
      },
    });
    return version;
  });
  await publishVersion(ctx, version);
}

async function lockCustomRole(tx: TenantTx, tenantId: string, key: string) {
  const [row] = await tx
    .select()
    .from(roles)
    .where(and(eq(roles.tenantId, tenantId), eq(roles.key, key), eq(roles.builtin, false)))
    .for('update');
  if (!row) throw new NotFoundError('role');
  return row;
}
