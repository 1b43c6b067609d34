import { NotFoundError, schema, withTenant } from '@tenantkit/db';
import { and, asc, eq } from 'drizzle-orm';
import type { AdminContext } from '../admin/context.ts';
import { assertPermitted, isBuiltinRole } from '../rbac/index.ts';
import { builtinRoleViews, customRoleView, type RoleView } from './view.ts';

const { roles } = schema;

/** Built-in roles first (catalog order), then the tenant's custom roles by key. */
export async function listRoles({ ctx }: { ctx: AdminContext }): Promise<RoleView[]> {
  assertPermitted(ctx.principal.permissions, ['roles:read']);
  const rows = await withTenant(ctx.deps.db, ctx.tenant.id, (tx) =>
    tx
      .select()
      .from(roles)
      .where(and(eq(roles.tenantId, ctx.tenant.id), eq(roles.builtin, false)))
      .orderBy(asc(roles.key)),
  );
  return [
    ...builtinRoleViews(),
    ...rows.filter((row) => !isBuiltinRole(row.key)).map(customRoleView),
  ];
}

export async function getRole({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: { roleKey: string };
}): Promise<RoleView> {
  assertPermitted(ctx.principal.permissions, ['roles:read']);
  const builtin = builtinRoleViews().find((role) => role.key === input.roleKey);
  if (builtin) return builtin;
  const [row] = await withTenant(ctx.deps.db, ctx.tenant.id, (tx) =>
    tx
      .select()
      .from(roles)
      .where(
        and(
          eq(roles.tenantId, ctx.tenant.id),
          eq(roles.key, input.roleKey),
          eq(roles.builtin, false),
        ),
      ),
  );
  if (!row) throw new NotFoundError('role');
  return customRoleView(row);
}
