export {
  BUILTIN_ROLE_KEYS,
  BUILTIN_ROLES,
  type BuiltinRole,
  type BuiltinRoleKey,
  isBuiltinRole,
  OWNER_ROLE_KEY,
  type RoleDefinition,
} from './builtin-roles.ts';
export {
  CATALOG_FINGERPRINT,
  decodePermissionSet,
  encodePermissionSet,
  PERMISSION_CACHE_TTL_SECONDS,
  permissionCacheKey,
  rbacVersionKey,
} from './cache-key.ts';
export {
  ALL_PERMISSIONS,
  isPermission,
  PERMISSIONS,
  type Permission,
  parsePermissions,
} from './catalog.ts';
export {
  parseCustomRole,
  ROLE_KEY_MAX_LENGTH,
  ROLE_KEY_MIN_LENGTH,
  validateCustomRoleKey,
} from './custom-roles.ts';
export {
  BuiltinRoleImmutableError,
  InvalidRoleKeyError,
  LastOwnerError,
  OwnerMustBeUserError,
  OwnerOnlyError,
  PermissionNotHeldError,
  PermissionRequiredError,
  RbacError,
  ReservedRoleKeyError,
  UnknownPermissionError,
} from './errors.ts';
export {
  can,
  effectivePermissions,
  hasOwnerBinding,
  intersectScopes,
  missing,
  type RoleBinding,
  resolveRole,
} from './evaluator.ts';
export {
  assertBindingTarget,
  assertCanActOnPrincipal,
  assertCanBind,
  assertCanGrant,
  assertCanModifyRole,
  assertNotLastOwner,
  assertPermitted,
  assertRoleEditable,
  type PrincipalKind,
} from './guards.ts';
