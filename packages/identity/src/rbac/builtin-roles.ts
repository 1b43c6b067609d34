import { ALL_PERMISSIONS, type Permission } from './catalog.ts';

/** What the evaluator and guards need to know about a role, built-in or custom. */
export interface RoleDefinition {
  readonly key: string;
  readonly permissions: readonly Permission[];
}

export const BUILTIN_ROLE_KEYS = ['owner', 'admin', 'member', 'viewer'] as const;
export type BuiltinRoleKey = (typeof BUILTIN_ROLE_KEYS)[number];

export interface BuiltinRole extends RoleDefinition {
  readonly key: BuiltinRoleKey;
  readonly name: string;
  readonly description: string;
}

const role = (
  key: BuiltinRoleKey,
  name: string,
  description: string,
  permissions: readonly Permission[],
): BuiltinRole =>
  Object.freeze({ key, name, description, permissions: Object.freeze([...permissions]) });

/**
 * The built-in roles, identical in every tenant and defined only here: rows seeded per tenant
 * exist so bindings have a foreign key target, but their permissions are never read back (the
 * evaluator resolves built-in keys from this table), so a tampered row grants nothing.
 *
 * Owner and admin hold the same permissions. What sets owners apart is a rule, not a
 * permission (see `assertCanBind` and `assertCanActOnPrincipal`): only an owner can grant or
 * revoke the owner role or act on an owner's account, so an admin can never lock owners out.
 */
export const BUILTIN_ROLES: Readonly<Record<BuiltinRoleKey, BuiltinRole>> = Object.freeze({
  owner: role('owner', 'Owner', 'Full access, including managing owners', ALL_PERMISSIONS),
  admin: role('admin', 'Admin', 'Full access, except managing owners', ALL_PERMISSIONS),
  member: role('member', 'Member', 'Works on projects', [
    'projects:read',
    'projects:write',
    'members:read',
  ]),
  viewer: role('viewer', 'Viewer', 'Read-only access to projects', [
    'projects:read',
    'members:read',
  ]),
});

export const OWNER_ROLE_KEY = 'owner' satisfies BuiltinRoleKey;

export function isBuiltinRole(key: string): key is BuiltinRoleKey {
  return Object.hasOwn(BUILTIN_ROLES, key);
}
