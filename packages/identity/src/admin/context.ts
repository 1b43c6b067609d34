import type { IdentityContext } from '../accounts/login.ts';
import type { Permission } from '../rbac/index.ts';

/**
 * Who is acting in an admin operation, with the permissions of *this request*: for a scoped
 * credential that is the scoped set, so a narrow key can never hand out more than it holds.
 */
export interface AdminPrincipal {
  type: 'user' | 'client';
  id: string;
  permissions: ReadonlySet<Permission>;
}

/** What every admin service (members, invitations, roles, bindings) receives besides input. */
export interface AdminContext extends IdentityContext {
  principal: AdminPrincipal;
}
