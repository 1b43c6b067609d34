import { DomainError } from '@tenantkit/db';

/**
 * Errors of the admin operations. Messages become problem `detail`s: they may name role keys
 * the caller sent, never another tenant's data.
 */

/** A role key that names neither a built-in role nor a custom role of this tenant. */
export class UnknownRoleError extends DomainError {
  constructor(readonly roleKeys: readonly string[]) {
    const shown = roleKeys.slice(0, 10).map((key) => key.slice(0, 64));
    super(
      'unprocessable',
      'unknown-role',
      `Unknown role${shown.length > 1 ? 's' : ''}: ${shown.join(', ')}`,
      {
        roleKeys: shown,
      },
    );
  }
}

export class RoleExistsError extends DomainError {
  constructor(roleKey: string) {
    super('conflict', 'role-exists', `A role with the key "${roleKey}" already exists`, {
      roleKey,
    });
  }
}

/** Deleting a role that principals are still bound to would silently strip their access. */
export class RoleInUseError extends DomainError {
  constructor(roleKey: string, bindings: number) {
    super(
      'conflict',
      'role-in-use',
      `The role "${roleKey}" is still bound to ${bindings} principal${bindings === 1 ? '' : 's'}; remove the bindings first`,
      { roleKey, bindings },
    );
  }
}

export class BindingExistsError extends DomainError {
  constructor() {
    super('conflict', 'binding-exists', 'This principal is already bound to this role');
  }
}

/** The principal of a binding is not a user or service client of this tenant. */
export class PrincipalNotFoundError extends DomainError {
  constructor() {
    super('not_found', 'not-found', 'principal not found');
  }
}

export class MemberExistsError extends DomainError {
  constructor() {
    super('conflict', 'member-exists', 'A member with this email already exists in this workspace');
  }
}

export class InvitationPendingError extends DomainError {
  constructor() {
    super(
      'conflict',
      'invitation-pending',
      'This email already has a pending invitation; revoke it to send a new one',
    );
  }
}

/**
 * Every reason an invitation token is refused (unknown, tampered, expired, used, revoked,
 * issued by another workspace) is this one answer, so a token holder learns nothing more.
 */
export class InvitationInvalidError extends DomainError {
  constructor() {
    super(
      'gone',
      'invitation-invalid',
      'This invitation link is invalid, expired or already used.',
    );
  }
}
