/**
 * The OAuth2 client-credentials grant (RFC 6749 §4.4) and the verification of the access
 * tokens it issues. Transport-free: the api parses the form and client authentication, and
 * maps `OAuthError` to the RFC 6749 JSON error body.
 */
import type { TenantRecord } from '@tenantkit/db';
import { withTenant } from '@tenantkit/db';
import { LRUCache } from 'lru-cache';
import { appendAuditEvent } from '../audit/index.ts';
import type { PermissionDeps } from '../members/index.ts';
import { isPermission, type Permission } from '../rbac/index.ts';
import {
  type AccessTokenClaims,
  DEFAULT_ROTATION_POLICY,
  InvalidTokenError,
  signAccessToken,
  verifyAccessToken,
} from '../tokens/index.ts';
import { ACCESS_TOKEN_AUDIENCE, type TokenIssuerContext } from './context.ts';
import { OAuthError } from './errors.ts';
import { isServiceClientRevoked, verifyServiceClientSecret } from './service-clients.ts';
import { signingKeyFor, verificationKeysFor } from './signing-key-store.ts';

/** Ten minutes: the lifetime the signing keys' verification windows are sized for. */
export const CLIENT_TOKEN_LIFETIME_SECONDS = DEFAULT_ROTATION_POLICY.tokenLifetimeMs / 1000;
/** RFC 6749 §3.3 scope: space-separated tokens; ours are permission names. */
const MAX_SCOPE_LENGTH = 1_000;

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  scope: string;
}

/**
 * Issues an access token to an authenticated client. Every client-authentication failure is
 * the same `invalid_client` after the same work (lookup, comparison, audit event), so neither
 * the answer nor its cost tells an unknown client from a revoked one or a wrong secret; the
 * audit log keeps the real reason.
 */
export async function issueClientCredentialsToken({
  ctx,
  input,
  now = new Date(),
}: {
  ctx: TokenIssuerContext;
  input: { clientId: string; clientSecret: string; scope?: string; issuer: string };
  now?: Date;
}): Promise<IssuedToken> {
  const { deps, tenant } = ctx;
  const clientId = input.clientId.slice(0, 100);
  const result = await verifyServiceClientSecret({
    deps,
    tenant,
    clientId,
    clientSecret: input.clientSecret,
  });
  const failed = (actorType: 'anonymous' | 'client', reason: string) =>
    withTenant(deps.db, tenant.id, (tx) =>
      appendAuditEvent(
        tx,
        tenant,
        { ...ctx.actor, actorType, actorId: actorType === 'client' ? clientId : null },
        {
          action: 'oauth.token.failed',
          targetType: 'service_client',
          targetId: clientId,
          data: { reason },
        },
      ),
    );
  if (!result.ok) {
    await failed('anonymous', result.reason);
    throw new OAuthError('invalid_client', 'Client authentication failed.');
  }
  let scopes: Permission[];
  try {
    scopes = requestedScopes(input.scope, result.scopes);
  } catch (err) {
    // An authenticated client asking for more than it holds is worth a look.
    if (err instanceof OAuthError) await failed('client', 'invalid_scope');
    throw err;
  }
  const key = await signingKeyFor({ db: deps.db, keyRing: ctx.keyRing, tenant, now });
  const accessToken = await signAccessToken({
    key,
    issuer: input.issuer,
    audience: ACCESS_TOKEN_AUDIENCE,
    subject: result.clientId,
    clientId: result.clientId,
    tenantId: tenant.id,
    scopes,
    lifetimeSeconds: CLIENT_TOKEN_LIFETIME_SECONDS,
    now,
  });
  return {
    accessToken,
    tokenType: 'Bearer',
    expiresIn: CLIENT_TOKEN_LIFETIME_SECONDS,
    scope: scopes.join(' '),
  };
}

/**
 * The scopes to grant: all of the client's when none are asked for (RFC 6749 §3.3 lets the
 * server pick a default), else exactly those asked, each of which the client must hold.
 */
function requestedScopes(scope: string | undefined, clientScopes: Permission[]): Permission[] {
  if (scope === undefined || scope.trim() === '') return clientScopes;
  if (scope.length > MAX_SCOPE_LENGTH) throw new OAuthError('invalid_scope', 'scope is too long.');
  const asked = [...new Set(scope.split(' ').filter((s) => s.length > 0))];
  const held = new Set<string>(clientScopes);
  const refused = asked.filter((s) => !isPermission(s) || !held.has(s));
  if (refused.length > 0) {
    throw new OAuthError('invalid_scope', 'The requested scope exceeds what the client may hold.');
  }
  return clientScopes.filter((s) => asked.includes(s));
}

export interface ClientPrincipal {
  clientId: string;
  tokenId: string;
  expiresAt: Date;
  permissions: ReadonlySet<Permission>;
}

/**
 * Verifies an access token presented to `tenant` at `issuer` (this host's base URL): ES256
 * only, kid among this tenant's keys only, exact iss, our audience, `tid` of this tenant, and
 * the client not revoked since. Throws `InvalidTokenError`.
 */
export async function authenticateAccessToken(
  presented: PresentedAccessToken,
): Promise<ClientPrincipal> {
  const principal = await verifyClientAccessToken(presented);
  if (await isServiceClientRevoked(presented.deps, presented.tenant, principal.clientId)) {
    throw new InvalidTokenError('revoked');
  }
  return principal;
}

/** An access token presented to `tenant` at `issuer` (this host's base URL). */
export interface PresentedAccessToken {
  deps: PermissionDeps;
  tenant: Pick<TenantRecord, 'id'>;
  issuer: string;
  token: string;
  now?: Date;
}

/**
 * `authenticateAccessToken` without the revocation check, for a caller that checks
 * `serviceClientRevokedKey` itself in a round trip it makes anyway (the api's rate limits).
 * A principal from here alone must not be trusted until that check has passed.
 */
export async function verifyClientAccessToken({
  deps,
  tenant,
  issuer,
  token,
  now = new Date(),
}: PresentedAccessToken): Promise<ClientPrincipal> {
  // The same bytes verify the same way until they expire: a token this process has verified
  // for this tenant and issuer skips the key lookup and the ES256 check (the expensive part)
  // until its `exp` or a minute, whichever is first. Revocation is checked by the caller.
  const cacheKey = `${tenant.id}\n${issuer}\n${token}`;
  let claims = verifiedTokens.get(cacheKey);
  if (!claims || claims.expiresAt.getTime() <= now.getTime()) {
    const keys = await verificationKeysFor(deps.db, tenant, kidOf(token), now);
    claims = await verifyAccessToken(token, {
      keys,
      issuer,
      audience: ACCESS_TOKEN_AUDIENCE,
      tenantId: tenant.id,
      now,
    });
    const ttl = Math.min(VERIFIED_TOKEN_TTL_MS, claims.expiresAt.getTime() - now.getTime());
    if (ttl > 0) verifiedTokens.set(cacheKey, claims, { ttl });
  }
  return {
    clientId: claims.clientId ?? claims.subject,
    tokenId: claims.jti,
    expiresAt: claims.expiresAt,
    permissions: scopeSet(claims.scopes),
  };
}

const VERIFIED_TOKEN_TTL_MS = 60_000;
const verifiedTokens = new LRUCache<string, AccessTokenClaims>({ max: 10_000 });

/** Scopes intersected with the catalog: a scope the catalog dropped grants nothing. */
function scopeSet(scopes: readonly string[]): ReadonlySet<Permission> {
  return new Set(scopes.filter(isPermission));
}

/** The header's kid without trusting anything else in it; undefined when unreadable. */
function kidOf(token: string): string | undefined {
  const dot = typeof token === 'string' ? token.indexOf('.') : -1;
  if (dot <= 0 || dot > 1_000) return undefined;
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    return typeof header?.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
}
