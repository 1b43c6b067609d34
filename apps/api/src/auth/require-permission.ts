import { HttpProblem } from '@tenantkit/http';
import type { Permission } from '@tenantkit/identity';
import type { MiddlewareHandler } from 'hono';

/**
 * 403 problem unless the authenticated caller holds `permission`. Runs after `requireAuth`, so
 * a missing principal here is a wiring mistake, reported as 401 rather than let through.
 *
 * @example
 * createRoute({ ..., middleware: [requirePermission('projects:write')] })
 */
export const requirePermission = (permission: Permission): MiddlewareHandler =>
  async function requirePermission(c, next) {
    const principal = c.get('principal');
    if (!principal) throw new HttpProblem({ status: 401, slug: 'unauthenticated' });
    if (!principal.permissions.has(permission)) {
      throw new HttpProblem({
        status: 403,
        slug: 'permission-required',
        detail: `This action needs the ${permission} permission.`,
        extensions: { permission },
      });
    }
    await next();
  };
