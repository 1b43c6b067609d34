import { HttpProblem } from '@tenantkit/http';
import type { AdminContext, InvitationContext } from '@tenantkit/identity';
import type { Context } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { identityContext } from './identity-context.ts';

/**
 * What the admin services need from a request: the identity context plus the acting principal
 * with the permissions of this request. Only for routes behind `requireAuth`.
 */
export function adminContext(c: Context, deps: ApiDeps): AdminContext {
  const principal = c.get('principal');
  if (!principal) throw new HttpProblem({ status: 401, slug: 'unauthenticated' });
  // An API key acts for whoever answers for it (its creator), with the key's own permissions.
  const actor =
    principal.via === 'bearer' && principal.type === 'api_key'
      ? principal.accountable
      : {
          type: principal.type === 'client' ? ('client' as const) : ('user' as const),
          id: principal.id,
        };
  return {
    ...identityContext(c, deps),
    principal: { type: actor.type, id: actor.id, permissions: principal.permissions },
  };
}

export function invitationContext(c: Context, deps: ApiDeps): InvitationContext {
  return { ...adminContext(c, deps), mail: deps.mail };
}
