import { HttpProblem } from '@tenantkit/http';
import type { MachinesContext } from '@tenantkit/identity';
import type { Context } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { identityContext } from './identity-context.ts';

/** The identity context plus the caller's permissions for this request and who answers for it. */
export function machinesContext(c: Context, deps: ApiDeps): MachinesContext {
  const principal = c.get('principal');
  if (!principal) throw new HttpProblem({ status: 401, slug: 'unauthenticated' });
  return {
    ...identityContext(c, deps),
    permissions: principal.permissions,
    accountable:
      principal.via === 'session' ? { type: 'user', id: principal.id } : principal.accountable,
  };
}
