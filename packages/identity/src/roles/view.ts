import type { schema } from '@tenantkit/db';
import { knownPermissions } from '../admin/rbac-state.ts';
import { BUILTIN_ROLE_KEYS, BUILTIN_ROLES, type Permission } from '../rbac/index.ts';

export interface RoleView {
  key: string;
  name: string;
  description: string;
  permissions: Permission[];
  builtin: boolean;
  createdAt: Date | null;
  updatedAt: Date | null;
}

/** Built-in roles come from code, whatever their seeded rows say. */
export function builtinRoleViews(): RoleView[] {
  return BUILTIN_ROLE_KEYS.map((key) => ({
    key,
    name: BUILTIN_ROLES[key].name,
    description: BUILTIN_ROLES[key].description,
    permissions: [...BUILTIN_ROLES[key].permissions],
    builtin: true,
    createdAt: null,
    updatedAt: null,
  }));
}

export function customRoleView(row: typeof schema.roles.$inferSelect): RoleView {
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    permissions: knownPermissions(row.permissions),
    builtin: false,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
