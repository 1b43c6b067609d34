import type { IdentityContext } from '@tenantkit/identity';
import type { Context } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { auditActor } from '../middleware/client-address.ts';

/** What identity services need from a request: stores, the tenant, and who is acting. */
export function identityContext(c: Context, deps: ApiDeps): IdentityContext {
  return {
    deps: { db: deps.db, redis: deps.redis, keyPrefix: deps.keyPrefix },
    tenant: c.get('tenant'),
    actor: auditActor(c),
  };
}
