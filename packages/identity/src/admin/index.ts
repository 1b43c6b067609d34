// The tenant admin operations: members, invitations, roles and role bindings.
export {
  type BindingInput,
  createRoleBinding,
  deleteRoleBinding,
  listRoleBindings,
  type PrincipalType,
  type RoleBindingView,
} from '../bindings/role-bindings.ts';
export { acceptInvitation, describeInvitation } from '../invitations/accept-invitation.ts';
export { createInvitation, type InvitationContext } from '../invitations/create-invitation.ts';
export { listInvitations, revokeInvitation } from '../invitations/revoke-invitation.ts';
export { INVITATION_TTL_MS } from '../invitations/token.ts';
export type { InvitationView } from '../invitations/view.ts';
export { deactivateMember, reactivateMember } from '../members/deactivate-member.ts';
export { getMember } from '../members/get-member.ts';
export { listMembers } from '../members/list-members.ts';
export { listMemberSessions, revokeMemberSessions } from '../members/member-sessions.ts';
export { setMemberRoles } from '../members/set-member-roles.ts';
export type { MemberView } from '../members/view.ts';
export { getRole, listRoles } from '../roles/list-roles.ts';
export type { RoleView } from '../roles/view.ts';
export { createRole, deleteRole, updateRole } from '../roles/write-roles.ts';
export type { AdminContext, AdminPrincipal } from './context.ts';
export {
  BindingExistsError,
  InvitationInvalidError,
  InvitationPendingError,
  MemberExistsError,
  PrincipalNotFoundError,
  RoleExistsError,
  RoleInUseError,
  UnknownRoleError,
} from './errors.ts';
