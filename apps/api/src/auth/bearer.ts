import { HttpProblem } from '@tenantkit/http';
import {
  API_KEY_PREFIX,
  authenticateApiKey,
  type ClientPrincipal,
  InvalidTokenError,
  serviceClientRevokedKey,
  verifyClientAccessToken,
} from '@tenantkit/identity';
import type { Context } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { tenantIssuer } from './issuer.ts';
import type { BearerPrincipal } from './principal.ts';

const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

/**
 * `Authorization: Bearer` on /v1: a service client's access token (ES256 JWT) or an API key
 * (`tk_live_...`), valid only for the tenant the host resolved to. Sets the principal and
 * returns true when the request carries a bearer credential; a bad one is a 401 at once, never
 * a fall-back to the cookie. Returns false without an `Authorization: Bearer` header, so the
 * session cookie decides.
 *
 * Bearer requests need no CSRF check: browsers never attach the header on their own.
 */
export async function authenticateBearer(c: Context, deps: ApiDeps): Promise<boolean> {
  const header = c.req.header('authorization');
  if (header === undefined || !/^bearer(?: |$)/i.test(header)) return false;
  const credential = BEARER.exec(header)?.[1];
  if (credential === undefined) throw invalidToken('The Authorization header is malformed.');
  const tenant = c.get('tenant');
  const store = { db: deps.db, redis: deps.redis, keyPrefix: deps.keyPrefix };

  let principal: BearerPrincipal;
  if (credential.startsWith(`${API_KEY_PREFIX}_`)) {
    const key = await authenticateApiKey({ deps: store, tenant, presented: credential });
    if (!key) throw invalidToken('The API key is invalid, expired or revoked.');
    principal = {
      type: 'api_key',
      id: key.keyId,
      via: 'bearer',
      accountable: key.createdBy,
      permissions: key.permissions,
    };
  } else {
    try {
      const client = await clientPrincipal(c, deps, store, credential);
      principal = {
        type: 'client',
        id: client.clientId,
        via: 'bearer',
        accountable: { type: 'client', id: client.clientId },
        permissions: client.permissions,
      };
    } catch (err) {
      if (err instanceof InvalidTokenError) throw invalidToken(err.message, err);
      throw err;
    }
  }
  c.set('principal', principal);
  return true;
}

/**
 * A service client's access token, verified in process (cached), then its revocation marker
 * read through the near cache (no round trip while the copy is held; a revocation anywhere
 * drops it).
 */
async function clientPrincipal(
  c: Context,
  deps: ApiDeps,
  store: Pick<ApiDeps, 'db' | 'redis' | 'keyPrefix'>,
  token: string,
): Promise<ClientPrincipal> {
  const tenant = c.get('tenant');
  const client = await verifyClientAccessToken({
    deps: store,
    tenant,
    issuer: tenantIssuer(c, deps),
    token,
  });
  const key = [serviceClientRevokedKey(deps.keyPrefix, tenant.id, client.clientId)];
  const [marker = null] = deps.identityCache.peek(key) ?? (await deps.identityCache.read(key));
  if (marker !== null) throw new InvalidTokenError('revoked');
  return client;
}

/** RFC 6750 §3: 401 with the `invalid_token` challenge; the reason stays in the logs. */
function invalidToken(detail: string, cause?: InvalidTokenError): HttpProblem {
  return new HttpProblem({
    status: 401,
    slug: 'invalid-token',
    detail,
    headers: { 'WWW-Authenticate': 'Bearer realm="tenantkit", error="invalid_token"' },
    cause,
  });
}
