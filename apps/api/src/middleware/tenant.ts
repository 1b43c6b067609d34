import { HttpProblem } from '@tenantkit/http';
import { requestHost, type TenantResolver } from '@tenantkit/tenancy';
import type { MiddlewareHandler } from 'hono';
import { clientAddress } from './client-address.ts';

export interface ResolveTenantOptions {
  resolver: TenantResolver;
  trustedProxies?: readonly string[];
}

/**
 * Resolves the tenant from the request's host and runs the rest of the request inside its
 * context. An unknown host gets the same 404 whether or not the name resembles a tenant, so
 * nothing can be learned about other tenants.
 *
 * @example
 * app.use('/v1/*', resolveTenant({ resolver, trustedProxies: ['10.0.0.5'] }));
 */
export const resolveTenant = ({
  resolver,
  trustedProxies = [],
}: ResolveTenantOptions): MiddlewareHandler => {
  const proxies = new Set(trustedProxies);
  return async function resolveTenant(c, next) {
    const host = requestHost(
      {
        host: c.req.header('host'),
        forwardedHost: proxies.size > 0 ? c.req.header('x-forwarded-host') : undefined,
        remoteAddress: proxies.size > 0 ? clientAddress(c) : undefined,
      },
      proxies,
    );
    const tenant = host ? await resolver.resolve(host) : null;
    if (!tenant || tenant.status === 'deleting') {
      throw new HttpProblem({
        status: 404,
        slug: 'tenant-not-found',
        title: 'No workspace here',
        detail: 'No workspace is served at this address.',
      });
    }
    if (tenant.status === 'suspended') {
      throw new HttpProblem({
        status: 403,
        slug: 'tenant-suspended',
        title: 'Workspace suspended',
        detail: 'This workspace is suspended. Contact its administrator.',
      });
    }
    // The request's context (c.get('tenant')) is what carries the tenant. Not also
    // AsyncLocalStorage (runWithTenant): on Node 20 its promise hooks tax every promise of
    // the process, about 4% of the api's CPU per request, and nothing in the api reads it.
    c.set('tenant', tenant);
    c.set('tenantId', tenant.id);
    await next();
  };
};
