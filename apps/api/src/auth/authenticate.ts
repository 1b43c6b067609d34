import type { TenantRecord } from '@tenantkit/db';
import { HttpProblem } from '@tenantkit/http';
import {
  loadPermissions,
  mfaPolicyKey,
  rbacVersionKey,
  SESSION_COOKIE,
  type SessionStoreDeps,
  validateSessionReading,
} from '@tenantkit/identity';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { ApiDeps } from '../deps.ts';
import { authenticateBearer } from './bearer.ts';
import type { Principal } from './principal.ts';

/**
 * Establishes the caller from a bearer credential (when `bearer`, see bearer.ts) or the session cookie, for the tenant already resolved from the
 * host: a cookie issued by another tenant names a session this tenant does not have, so it
 * fails like any unknown one. Leaves `principal` unset when there is no valid credential;
 * `requireAuth` decides what that means for the route.
 *
 * @example
 * app.use('/v1/*', authenticate(deps), requireAuth());
 */
export const authenticate = (deps: ApiDeps, { bearer = false } = {}): MiddlewareHandler => {
  const store = { db: deps.db, redis: deps.redis, keyPrefix: deps.keyPrefix };
  return async function authenticate(c, next) {
    if (bearer && (await authenticateBearer(c, deps))) return next();
    const tenant = c.get('tenant');
    const token = getCookie(c, SESSION_COOKIE);
    if (token !== undefined) {
      const signedIn = await sessionPrincipal(store, tenant, token);
      if (signedIn) {
        c.set('principal', signedIn.principal);
        c.set('mfaPolicyCached', signedIn.mfaPolicyCached);
      }
    }
    await next();
  };
};

/**
 * The signed-in member behind a session cookie, or undefined. One Redis round trip when warm:
 * the session and the tenant's RBAC version in one MGET, then the effective permissions from
 * the process's cache for that version (packages/identity members/permissions.ts).
 */
async function sessionPrincipal(
  store: SessionStoreDeps,
  tenant: TenantRecord,
  token: string,
): Promise<{ principal: Principal; mfaPolicyCached: string | null } | undefined> {
  const rbacKey = store.keyPrefix + rbacVersionKey(tenant.id);
  // The MFA gate's cached policy rides along, so the gate costs no round trip of its own.
  const policyKey = mfaPolicyKey(store.keyPrefix, tenant.id);
  const { session, values } = await validateSessionReading(store, tenant, token, [
    rbacKey,
    policyKey,
  ]);
  if (!session) return undefined;
  const permissions = await loadPermissions(
    store,
    tenant,
    { type: 'user', id: session.userId },
    values[0],
  );
  return {
    principal: {
      type: 'user',
      id: session.userId,
      via: 'session',
      sessionId: session.sessionId,
      permissions,
    },
    mfaPolicyCached: values[1] ?? null,
  };
}

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
