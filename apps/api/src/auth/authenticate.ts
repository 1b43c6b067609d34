import type { TenantRecord } from '@tenantkit/db';
import { HttpProblem, readThenLimit } from '@tenantkit/http';
import {
  checkSessionReading,
  loadPermissions,
  mfaPolicyKey,
  rbacVersionKey,
  SESSION_TOMBSTONE,
  type SessionStoreDeps,
  sessionLookup,
  type ValidSession,
  validateSessionReading,
} from '@tenantkit/identity';
import type { MiddlewareHandler } from 'hono';
import type { ApiDeps } from '../deps.ts';
import type { ApiLimits, ChargedLimits } from '../middleware/api-rate-limit.ts';
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
 * With `limits` (the /v1 chain), the credential's Redis reads and its rate-limit charge go in
 * one round trip (`readThenLimit`), charged only if the credential is live there; the
 * results wait in `apiLimitsCharged` for `apiRateLimit`, which still decides 429 or not.
 *
 * @example
 * app.use('/v1/*', authenticate(deps, { bearer: true, limits }), requireAuth(), apiRateLimit(deps, limits));
 */
export const authenticate = (
  deps: ApiDeps,
  { bearer = false, limits }: { bearer?: boolean; limits?: ApiLimits } = {},
): MiddlewareHandler => {
  const store = { db: deps.db, redis: deps.redis, keyPrefix: deps.keyPrefix };
  return async function authenticate(c, next) {
    if (bearer && (await authenticateBearer(c, deps, limits))) return next();
    const tenant = c.get('tenant');
    const token = readSessionCookie(c);
    if (token !== undefined) {
      const signedIn = limits
        ? await sessionPrincipalCharging(store, tenant, token, limits, (charged) =>
            c.set('apiLimitsCharged', charged),
          )
        : await sessionPrincipal(store, tenant, token);
      if (signedIn) {
        c.set('principal', signedIn.principal);
        c.set('mfaPolicyCached', signedIn.mfaPolicyCached);
      }
    }
    await next();
  };
};

type SignedIn = { principal: Principal; mfaPolicyCached: string | null };

/** The keys read with the session: the tenant's RBAC version, then its cached MFA policy. */
const alsoRead = (store: SessionStoreDeps, tenant: TenantRecord): [string, string] => [
  store.keyPrefix + rbacVersionKey(tenant.id),
  // The MFA gate's cached policy rides along, so the gate costs no round trip of its own.
  mfaPolicyKey(store.keyPrefix, tenant.id),
];

/**
 * The signed-in member behind a session cookie, or undefined. One Redis round trip when warm:
 * the session and the tenant's RBAC version in one MGET, then the effective permissions from
 * the process's cache for that version (packages/identity members/permissions.ts).
 */
async function sessionPrincipal(
  store: SessionStoreDeps,
  tenant: TenantRecord,
  token: string,
): Promise<SignedIn | undefined> {
  const { session, values } = await validateSessionReading(
    store,
    tenant,
    token,
    alsoRead(store, tenant),
  );
  return session
    ? signedIn(store, tenant, session, values[0] ?? null, values[1] ?? null)
    : undefined;
}

/**
 * `sessionPrincipal` whose one round trip also charges the /v1 rate limits (when the session
 * is live in Redis). If that script fails (Redis trouble), falls back to the plain read, and
 * `apiRateLimit` then charges or lets the request through unchecked as it always did.
 */
async function sessionPrincipalCharging(
  store: SessionStoreDeps,
  tenant: TenantRecord,
  token: string,
  limits: ApiLimits,
  charged: (charged: ChargedLimits) => void,
): Promise<SignedIn | undefined> {
  const lookup = sessionLookup(store.keyPrefix, tenant, token);
  if (!lookup) return undefined;
  const credential = `session:${lookup.sessionId}`;
  const entries = limits.entriesFor(tenant, credential);
  let reply: Awaited<ReturnType<typeof readThenLimit>>;
  try {
    reply = await readThenLimit(store.redis, {
      read: [lookup.key, ...alsoRead(store, tenant)],
      gate: { liveUnless: SESSION_TOMBSTONE },
      prefix: limits.prefix,
      entries,
    });
  } catch {
    return sessionPrincipal(store, tenant, token);
  }
  const [value = null, rbacVersion = null, mfaPolicy = null] = reply.values;
  const session = await checkSessionReading(store, tenant, lookup, value);
  if (!session) return undefined;
  if (reply.results) charged({ credential, entries, results: reply.results });
  return signedIn(store, tenant, session, rbacVersion, mfaPolicy);
}

async function signedIn(
  store: SessionStoreDeps,
  tenant: TenantRecord,
  session: ValidSession,
  rbacVersion: string | null,
  mfaPolicyCached: string | null,
): Promise<SignedIn> {
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
