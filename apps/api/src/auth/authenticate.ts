import type { TenantRecord } from '@tenantkit/db';
import { HttpProblem } from '@tenantkit/http';
import {
  checkSessionReading,
  loadPermissions,
  mfaPolicyKey,
  rbacVersionKey,
  type SessionStoreDeps,
  sessionLookup,
} from '@tenantkit/identity';
import type { Context, MiddlewareHandler } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { authenticateBearer } from './bearer.ts';
import type { Principal } from './principal.ts';
import { readSessionCookie } from './session-cookie.ts';

/**
 * Establishes the caller from a bearer credential (when `bearer`, see bearer.ts) or the
 * session cookie, for the tenant already resolved from the host: a cookie issued by another
 * tenant names a session this tenant does not have, so it fails like any unknown one. Leaves
 * `principal` unset when there is no valid credential; `requireAuth` decides what that means
 * for the route.
 *
 * The session's cached copy, the tenant's RBAC version and its MFA policy come from the
 * process's near cache (`deps.identityCache`): no round trip while the copies are held, one
 * MGET when they are not. A revocation anywhere drops the copy everywhere (ADR 0015).
 *
 * @example
 * app.use('/v1/*', authenticate(deps, { bearer: true }), requireAuth(), apiRateLimit(deps, limits));
 */
export const authenticate = (
  deps: ApiDeps,
  { bearer = false }: { bearer?: boolean } = {},
): MiddlewareHandler => {
  const findPrincipal = principalFinder(deps, { bearer });
  return async function authenticate(c, next) {
    await findPrincipal(c);
    await next();
  };
};

/**
 * `authenticate`'s work as a function of the request, for a middleware that runs several
 * checks (apiGuard): sets `principal` (and `mfaPolicyCached`) when the request carries a
 * valid credential; a bad bearer credential throws its 401.
 */
export function principalFinder(
  deps: ApiDeps,
  { bearer = false }: { bearer?: boolean } = {},
): (c: Context) => Promise<void> {
  const store = { db: deps.db, redis: deps.redis, keyPrefix: deps.keyPrefix };
  return async function findPrincipal(c) {
    if (bearer && c.req.header('authorization') !== undefined) {
      if (await authenticateBearer(c, deps)) return;
    }
    const token = readSessionCookie(c);
    if (token === undefined) return;
    const signedIn = await sessionPrincipal(deps, store, c.get('tenant'), token);
    if (signedIn) {
      c.set('principal', signedIn.principal);
      c.set('mfaPolicyCached', signedIn.mfaPolicyCached);
    }
  };
}

type SignedIn = { principal: Principal; mfaPolicyCached: string | null };

/**
 * The signed-in member behind a session cookie, or undefined: the session's cached copy with
 * the tenant's RBAC version and (for the MFA gate, which then costs nothing of its own) its
 * cached MFA policy, then the effective permissions from the process's cache for that version
 * (packages/identity members/permissions.ts).
 */
async function sessionPrincipal(
  deps: Pick<ApiDeps, 'identityCache'>,
  store: SessionStoreDeps,
  tenant: TenantRecord,
  token: string,
): Promise<SignedIn | undefined> {
  const lookup = sessionLookup(store.keyPrefix, tenant, token);
  if (!lookup) return undefined;
  const keys = [
    lookup.key,
    store.keyPrefix + rbacVersionKey(tenant.id),
    mfaPolicyKey(store.keyPrefix, tenant.id),
  ];
  const [value = null, rbacVersion = null, mfaPolicyCached = null] =
    deps.identityCache.peek(keys) ?? (await deps.identityCache.read(keys));
  const session = await checkSessionReading(store, tenant, lookup, value);
  if (!session) return undefined;
  const permissions = await loadPermissions(
    store,
    tenant,
    { type: 'user', id: session.userId },
    rbacVersion,
  );
  return {
    principal: {
      type: 'user',
      id: session.userId,
      via: 'session',
      sessionId: session.sessionId,
      permissions,
    },
    mfaPolicyCached,
  };
}

/** 401 problem unless `authenticate` established a principal. */
export const requireAuth = (): MiddlewareHandler =>
  async function requireAuth(c, next) {
    assertAuthenticated(c);
    await next();
  };

/** `requireAuth`'s check, for a middleware that runs several (apiGuard). */
export function assertAuthenticated(c: Context): void {
  if (!c.get('principal')) {
    throw new HttpProblem({
      status: 401,
      slug: 'unauthenticated',
      detail: 'Sign in, or send a credential issued by this workspace.',
      headers: { 'WWW-Authenticate': 'Bearer realm="tenantkit"' },
    });
  }
}
