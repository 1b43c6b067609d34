import { HttpProblem } from '@tenantkit/http';
import { loadPermissions, SESSION_COOKIE, validateSession } from '@tenantkit/identity';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { ApiDeps } from '../deps.ts';
import { authenticateBearer } from './bearer.ts';

/**
 * Establishes the caller from the session cookie, for the tenant already resolved from the
 * host: a cookie issued by another tenant names a session this tenant does not have, so it
 * fails like any unknown one. Leaves `principal` unset when there is no valid credential;
 * `requireAuth` decides what that means for the route.
 *
 * @example
 * app.use('/v1/*', authenticate(deps), requireAuth());
 */
export const authenticate = (deps: ApiDeps, { bearer = false } = {}): MiddlewareHandler =>
  async function authenticate(c, next) {
    if (bearer && (await authenticateBearer(c, deps))) return next();
    const tenant = c.get('tenant');
    const token = getCookie(c, SESSION_COOKIE);
    if (token !== undefined) {
      const store = { db: deps.db, redis: deps.redis, keyPrefix: deps.keyPrefix };
      const session = await validateSession(store, tenant, token);
      if (session) {
        const permissions = await loadPermissions(store, tenant, {
          type: 'user',
          id: session.userId,
        });
        c.set('principal', {
          type: 'user',
          id: session.userId,
          via: 'session',
          sessionId: session.sessionId,
          permissions,
        });
      }
    }
    await next();
  };

/** 401 problem unless `authenticate` established a principal. */
export const requireAuth = (): MiddlewareHandler =>
  async function requireAuth(c, next) {
    if (!c.get('principal')) {
      throw new HttpProblem({
        status: 401,
        slug: 'unauthenticated',
        detail: 'Sign in, or send a credential issued by this workspace.',
        headers: { 'WWW-Authenticate': 'Bearer realm="tenantkit"' },
      });
    }
    await next();
  };
