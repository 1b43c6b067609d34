import { isBuiltinRole } from './builtin-roles.ts';
import { type Permission, parsePermissions } from './catalog.ts';
import { InvalidRoleKeyError, ReservedRoleKeyError } from './errors.ts';

export const ROLE_KEY_MIN_LENGTH = 2;
export const ROLE_KEY_MAX_LENGTH = 48;

// Lower-case words joined by single hyphens: stable in URLs, IdP group mappings and manifests.
const ROLE_KEY = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * Validates the key of a new custom role and returns it unchanged. Keys are not normalised
 * (no trimming or lower-casing): a key is an identifier others store, so what is accepted
 * is exactly what was sent. The message never echoes the input.
 */
export function validateCustomRoleKey(key: string): string {
  if (key.length < ROLE_KEY_MIN_LENGTH || key.length > ROLE_KEY_MAX_LENGTH) {
    throw new InvalidRoleKeyError(
      `must be ${ROLE_KEY_MIN_LENGTH} to ${ROLE_KEY_MAX_LENGTH} characters long`,
    );
  }
  if (!ROLE_KEY.test(key)) {
    throw new InvalidRoleKeyError(
      'use lower-case letters, digits and single hyphens, starting with a letter',
    );
  }
  if (isBuiltinRole(key)) throw new ReservedRoleKeyError(key);
  return key;
}

/**
 * Validates the definition of a custom role from untrusted input: the key, and the permission
 * names against the catalog (deduplicated, catalog order). Whether the actor may grant them
 * is a separate check (`assertCanGrant`), since it needs the actor.
 */
export function parseCustomRole(input: { key: string; permissions: readonly string[] }): {
  key: string;
  permissions: Permission[];
} {
  return {
    key: validateCustomRoleKey(input.key),
    permissions: parsePermissions(input.permissions),
  };
}
