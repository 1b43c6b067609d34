export { createMember } from './create-member.ts';
export { loadPermissions, type PermissionDeps, publishRbacVersion } from './permissions.ts';
export { bumpRbacVersion, provisionTenantIdentity } from './provision.ts';
