import {
  BUILTIN_ROLES,
  isBuiltinRole,
  OWNER_ROLE_KEY,
  type RoleDefinition,
} from './builtin-roles.ts';
import type { Permission } from './catalog.ts';
import {
  BuiltinRoleImmutableError,
  LastOwnerError,
  OwnerMustBeUserError,
  OwnerOnlyError,
  PermissionNotHeldError,
  PermissionRequiredError,
} from './errors.ts';
import { missing } from './evaluator.ts';

/**
 * Pure checks for services to call before a write; each throws a typed `RbacError` or returns.
 * "Actor" is whoever makes the request, with the effective permissions of *that request*: for
 * an API key or service-client token that is the scoped set from `intersectScopes`, not the
 * holder's full set, so a narrow key cannot hand out what it was not given.
 */

export type PrincipalKind = 'user' | 'service_client';

/** The operation's own permission check, the first line of a service write. */
export function assertPermitted(
  effective: ReadonlySet<Permission>,
  required: readonly Permission[],
): void {
  const absent = missing(effective, required);
  if (absent.length > 0) throw new PermissionRequiredError(absent);
}

/**
 * Nobody grants a permission they do not hold: custom role contents, role bindings, API key
 * and service-client scopes all pass through here.
 *
 * There is deliberately no owner bypass: owners already hold every permission through their
 * role, and a bypass keyed on "is owner" would let an owner's narrowly scoped key grant
 * anything.
 */
export function assertCanGrant({
  actor,
  permissions,
}: {
  actor: ReadonlySet<Permission>;
  permissions: readonly Permission[];
}): void {
  const absent = missing(actor, permissions);
  if (absent.length > 0) throw new PermissionNotHeldError(absent);
}

/**
 * Granting or revoking a role binding. The actor must hold every permission in the role, both
 * ways: granting so nobody escalates through a role, revoking so a lesser principal cannot
 * strip a stronger one. Only owners grant or revoke `owner`. Built-in keys are checked against
 * the definitions in code, whatever `role.permissions` says.
 */
export function assertCanBind({
  actorEffective,
  actorIsOwner,
  role,
  action = 'grant',
}: {
  actorEffective: ReadonlySet<Permission>;
  actorIsOwner: boolean;
  role: RoleDefinition;
  action?: 'grant' | 'revoke';
}): void {
  if (role.key === OWNER_ROLE_KEY && !actorIsOwner) {
    throw new OwnerOnlyError(`Only an owner can ${action} the owner role`);
  }
  const permissions = isBuiltinRole(role.key)
    ? BUILTIN_ROLES[role.key].permissions
    : role.permissions;
  assertCanGrant({ actor: actorEffective, permissions });
}

/** Owners are people: a service client bound to `owner` could end up the tenant's last owner. */
export function assertBindingTarget({
  roleKey,
  principalKind,
}: {
  roleKey: string;
  principalKind: PrincipalKind;
}): void {
  if (roleKey === OWNER_ROLE_KEY && principalKind !== 'user') throw new OwnerMustBeUserError();
}

/**
 * Acting on another member's account (deactivate, remove, revoke sessions, reset MFA): if the
 * target is an owner, the actor must be one too, so admins cannot lock owners out.
 */
export function assertCanActOnPrincipal({
  actorIsOwner,
  targetIsOwner,
}: {
  actorIsOwner: boolean;
  targetIsOwner: boolean;
}): void {
  if (targetIsOwner && !actorIsOwner) {
    throw new OwnerOnlyError("Only an owner can change an owner's account");
  }
}

/**
 * The last owner cannot be removed, demoted or deactivated. `ownerCountAfter` is the number of
 * active users still bound to `owner` once the change is applied, counted in the same
 * transaction *after* bumping the tenant's `rbac_version`: that UPDATE row-locks the tenant's
 * counter and so serialises RBAC changes, otherwise two owners demoting each other at once
 * would each count the other and leave none. Anything but a count of 1 or more (NaN too)
 * is refused.
 */
export function assertNotLastOwner({ ownerCountAfter }: { ownerCountAfter: number }): void {
  if (!(ownerCountAfter >= 1)) throw new LastOwnerError();
}

/** Built-in roles cannot be edited or deleted, not even by owners. */
export function assertRoleEditable(role: { readonly key: string }): void {
  if (isBuiltinRole(role.key)) throw new BuiltinRoleImmutableError(role.key);
}

/**
 * Updating (with `permissions`, the new set) or deleting (without) a custom role. The actor
 * must hold every permission the role has now and would have after: otherwise someone with
 * `roles:manage` could add what they lack, or gut a stronger role that others depend on.
 */
export function assertCanModifyRole({
  actor,
  role,
  permissions = [],
}: {
  actor: ReadonlySet<Permission>;
  role: RoleDefinition;
  permissions?: readonly Permission[];
}): void {
  assertRoleEditable(role);
  assertCanGrant({ actor, permissions: [...role.permissions, ...permissions] });
}
