import { UnknownPermissionError } from './errors.ts';

/**
 * The permission catalog: every permission Tenantkit checks, with what it allows. Code is the
 * only source; the database stores permission names in custom roles and key scopes, and
 * anything read back is filtered through `isPermission`, so a name dropped from the catalog
 * silently stops granting anything instead of failing requests.
 *
 * Names are `resource:action`. Permissions are independent, none implies another (not even
 * `manage` implies `read`): a role lists everything it grants, so what a role can do is what
 * it says, and the evaluator is a plain set union.
 */
export const PERMISSIONS = {
  'projects:read': 'View projects and their tasks',
  'projects:write': 'Create, edit and delete projects and their tasks',
  'members:read': 'View members of the tenant and their roles',
  'members:manage': 'Invite, deactivate and remove members; grant and revoke their roles',
  'roles:read': 'View custom roles and the permissions they hold',
  'roles:manage': 'Create, edit and delete custom roles',
  'sessions:manage': "List and revoke other members' sessions",
  'sso:manage': 'Configure SSO connections and IdP group to role mappings',
  'domains:manage': 'Add, verify and remove custom domains',
  'audit:read': 'Read the audit log',
  'keys:manage': 'Create and revoke API keys and service clients, and set their scopes',
  'tenant:manage': 'Change tenant settings such as the MFA-required and SSO-required policies',
} as const satisfies Record<string, string>;

export type Permission = keyof typeof PERMISSIONS;

/** Every permission, in catalog order. */
export const ALL_PERMISSIONS: readonly Permission[] = Object.freeze(
  Object.keys(PERMISSIONS) as Permission[],
);

/** Own keys only: `'toString'` or `'__proto__'` are not permissions. */
export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);
}

/**
 * Validates untrusted permission names (request bodies, manifests). Throws
 * `UnknownPermissionError` naming every unknown entry; returns the known ones deduplicated,
 * in catalog order, so stored lists compare equal regardless of how they were written.
 */
export function parsePermissions(list: readonly string[]): Permission[] {
  const unknown = [...new Set(list.filter((name) => !isPermission(name)))];
  if (unknown.length > 0) throw new UnknownPermissionError(unknown);
  const requested = new Set<string>(list);
  return ALL_PERMISSIONS.filter((permission) => requested.has(permission));
}
