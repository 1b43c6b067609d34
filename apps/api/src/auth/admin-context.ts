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
  // A member acts as itself, a service client as itself, and an API key for whoever answers
  // for it (its creator); always with the permissions of this request's credential.
  const actor =
    principal.via === 'session'
      ? { type: 'user' as const, id: principal.id }
      : principal.type === 'api_key'
        ? principal.accountable
        : { type: 'client' as const, id: principal.id };
  return {
    ...identityContext(c, deps),
    principal: { type: actor.type, id: actor.id, permissions: principal.permissions },
  };
}

export function invitationContext(c: Context, deps: ApiDeps): InvitationContext {
  return { ...adminContext(c, deps), mail: deps.mail };
}
