import { DomainError, type ProblemKind } from '@tenantkit/db';
import type { Permission } from './catalog.ts';

/**
 * Base class of every RBAC refusal, so callers can `instanceof RbacError` without listing
 * each rule. Messages become the problem `detail`: they name permissions and role keys,
 * never users or other tenants.
 */
export class RbacError extends DomainError {
  constructor(
    problemKind: ProblemKind,
    problemSlug: string,
    message: string,
    problemExtensions?: Record<string, unknown>,
  ) {
    super(problemKind, problemSlug, message, problemExtensions);
  }
}

/** Input named a permission that is not in the catalog (typo, or removed in a later release). */
export class UnknownPermissionError extends RbacError {
  readonly unknownPermissions: readonly string[];

  constructor(unknownPermissions: readonly string[]) {
    // Echoed back to the caller, so bounded: at most 10 names of at most 64 characters.
    const shown = unknownPermissions.slice(0, 10).map((name) => name.slice(0, 64));
    super(
      'invalid',
      'unknown-permission',
      `Unknown permission${shown.length > 1 ? 's' : ''}: ${shown.join(', ')}`,
      { unknownPermissions: shown },
    );
    this.unknownPermissions = shown;
  }
}

/** The caller lacks a permission the operation requires (route or service check). */
export class PermissionRequiredError extends RbacError {
  constructor(readonly missingPermissions: readonly Permission[]) {
    super('forbidden', 'permission-required', `Requires ${missingPermissions.join(', ')}`, {
      missingPermissions: [...missingPermissions],
    });
  }
}

/** The actor tried to hand out (role, binding, key scope) a permission they do not hold. */
export class PermissionNotHeldError extends RbacError {
  constructor(readonly missingPermissions: readonly Permission[]) {
    super(
      'forbidden',
      'permission-not-held',
      `You cannot grant permissions you do not hold: ${missingPermissions.join(', ')}`,
      { missingPermissions: [...missingPermissions] },
    );
  }
}

/** Only an owner may grant or revoke the owner role, or act on an owner's account. */
export class OwnerOnlyError extends RbacError {
  constructor(message = 'Only an owner can do this') {
    super('forbidden', 'owner-only', message);
  }
}

/** The owner role can only be bound to users: a machine must never be the last owner. */
export class OwnerMustBeUserError extends RbacError {
  constructor() {
    super('forbidden', 'owner-must-be-user', 'The owner role can only be granted to users');
  }
}

/**
 * The change would leave the tenant without an owner. `conflict`, not `forbidden`: it depends
 * on current state (even an owner gets it) and is fixed by promoting another owner first.
 */
export class LastOwnerError extends RbacError {
  constructor() {
    super(
      'conflict',
      'last-owner',
      'The last owner cannot be removed, demoted or deactivated; make someone else owner first',
    );
  }
}

/** Built-in roles are defined in code and identical in every tenant. */
export class BuiltinRoleImmutableError extends RbacError {
  constructor(readonly roleKey: string) {
    super(
      'forbidden',
      'builtin-role-immutable',
      `The built-in role "${roleKey}" cannot be edited or deleted`,
      { roleKey },
    );
  }
}

/** A custom role key that is not a valid slug. */
export class InvalidRoleKeyError extends RbacError {
  constructor(reason: string) {
    super('invalid', 'invalid-role-key', `Invalid role key: ${reason}`, { field: 'key' });
  }
}

/** A custom role key that collides with a built-in role. */
export class ReservedRoleKeyError extends RbacError {
  constructor(readonly roleKey: string) {
    super('invalid', 'role-key-reserved', `"${roleKey}" is a built-in role key`, {
      field: 'key',
      roleKey,
    });
  }
}
