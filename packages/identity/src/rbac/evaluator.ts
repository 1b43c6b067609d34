import {
  BUILTIN_ROLES,
  isBuiltinRole,
  OWNER_ROLE_KEY,
  type RoleDefinition,
} from './builtin-roles.ts';
import { isPermission, type Permission } from './catalog.ts';

/** A principal's (user's or service client's) binding to a role, as far as RBAC cares. */
export interface RoleBinding {
  readonly roleKey: string;
}

/**
 * The role a key names: built-in keys always resolve to the definitions in code, whatever
 * `customRoles` holds under that key, so neither a seeded row nor a custom role can redefine
 * `owner`. Unknown keys resolve to `undefined`.
 */
export function resolveRole(
  key: string,
  customRoles: ReadonlyMap<string, RoleDefinition>,
): RoleDefinition | undefined {
  return isBuiltinRole(key) ? BUILTIN_ROLES[key] : customRoles.get(key);
}

/**
 * The union of the permissions of every bound role. Fails closed: a binding to a role that is
 * not in `roles` (deleted meanwhile) and a stored name no longer in the catalog grant nothing.
 *
 * @example
 * ```ts
 * const effective = effectivePermissions([{ roleKey: 'member' }, { roleKey: 'auditor' }], roles);
 * can(effective, 'audit:read');
 * ```
 */
export function effectivePermissions(
  bindings: Iterable<RoleBinding>,
  roles: ReadonlyMap<string, RoleDefinition> = new Map(),
): ReadonlySet<Permission> {
  const effective = new Set<Permission>();
  for (const { roleKey } of bindings) {
    for (const permission of resolveRole(roleKey, roles)?.permissions ?? []) {
      if (isPermission(permission)) effective.add(permission);
    }
  }
  return effective;
}

export function can(effective: ReadonlySet<Permission>, permission: Permission): boolean {
  return effective.has(permission);
}

/** The required permissions not in `effective`, deduplicated, in the order asked. */
export function missing(
  effective: ReadonlySet<Permission>,
  required: readonly Permission[],
): Permission[] {
  return [...new Set(required)].filter((permission) => !effective.has(permission));
}

/**
 * What a scoped credential (API key, service-client token) may do: the scopes it was issued
 * with, capped by what its holder holds *now*. Scopes are a ceiling, never a grant: when the
 * holder loses a permission, every key carrying it loses it too, without reissuing keys.
 * Unknown scope names (raw strings from a token's `scope` claim) are dropped.
 */
export function intersectScopes(
  granted: ReadonlySet<Permission>,
  requested: Iterable<string>,
): ReadonlySet<Permission> {
  const scoped = new Set<Permission>();
  for (const scope of requested) {
    if (isPermission(scope) && granted.has(scope)) scoped.add(scope);
  }
  return scoped;
}

export function hasOwnerBinding(bindings: Iterable<RoleBinding>): boolean {
  for (const { roleKey } of bindings) if (roleKey === OWNER_ROLE_KEY) return true;
  return false;
}
