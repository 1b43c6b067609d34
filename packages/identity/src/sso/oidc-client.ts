import { createHash } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import { decryptSecret } from '../crypto/index.ts';
import { type SsoDeps, ssoKey } from './context.ts';
import { SsoDiscoveryError } from './errors.ts';

/** The connection fields the OIDC client needs. */
export interface OidcConnection {
  id: string;
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  idTokenAlg: string;
}

/** Discovery documents and JWKS are shared by every api instance through Redis. */
const DISCOVERY_TTL_SECONDS = 60 * 60;
const JWKS_TTL_SECONDS = 60 * 60;
/** openid-client's own default; the issue allows at most 30 s. */
const CLOCK_TOLERANCE_SECONDS = 30;
const HTTP_TIMEOUT_SECONDS = 5;

export const clientSecretAad = (tenantId: string, connectionId: string) =>
  `tenant:${tenantId}:sso-connection:${connectionId}:client-secret`;

// The issuer is part of the key: changing a connection's issuer never reads the old document.
const discoveryKey = (deps: SsoDeps, tenantId: string, c: OidcConnection) =>
  ssoKey(
    deps,
    tenantId,
    `discovery:${c.id}:${createHash('sha256').update(c.issuer).digest('base64url').slice(0, 16)}`,
  );
const jwksKey = (deps: SsoDeps, tenantId: string, c: OidcConnection) =>
  ssoKey(deps, tenantId, `jwks:${c.id}`);

/**
 * Runs OpenID discovery for the issuer: openid-client fetches
 * `<issuer>/.well-known/openid-configuration` and refuses a document naming another issuer.
 */
export async function discoverIssuer(
  deps: SsoDeps,
  issuer: string,
  clientId: string,
): Promise<oidc.ServerMetadata> {
  try {
    const config = await oidc.discovery(new URL(issuer), clientId, undefined, undefined, {
      execute: deps.allowInsecureIssuers ? [oidc.allowInsecureRequests] : [],
      timeout: HTTP_TIMEOUT_SECONDS,
    });
    const metadata = config.serverMetadata();
    return JSON.parse(JSON.stringify(metadata)) as oidc.ServerMetadata;
  } catch (error) {
    throw new SsoDiscoveryError(describe(error));
  }
}

/** The cached discovery document, or a fresh one (cached for an hour) when absent or forced. */
export async function serverMetadata(
  deps: SsoDeps,
  tenantId: string,
  connection: OidcConnection,
  { refresh = false } = {},
): Promise<oidc.ServerMetadata> {
  const key = discoveryKey(deps, tenantId, connection);
  if (!refresh) {
    const cached = await deps.redis.get(key);
    if (cached) return JSON.parse(cached) as oidc.ServerMetadata;
  }
  const metadata = await discoverIssuer(deps, connection.issuer, connection.clientId);
  await deps.redis.set(key, JSON.stringify(metadata), 'EX', DISCOVERY_TTL_SECONDS);
  return metadata;
}

/**
 * An openid-client Configuration for one sign-in: the cached discovery document, the
 * connection's client secret, the one ID-token algorithm it accepts, and the shared JWKS
 * cache. When the token response names a key id the cached JWKS lacks (the IdP rotated its
 * keys), the cache is marked stale before the ID token is checked, so openid-client fetches
 * the new JWKS instead of refusing the sign-in.
 */
export async function clientConfiguration(
  deps: SsoDeps,
  tenantId: string,
  connection: OidcConnection,
): Promise<oidc.Configuration> {
  const metadata = await serverMetadata(deps, tenantId, connection);
  const secret = connection.clientSecret
    ? new TextDecoder().decode(
        decryptSecret(
          deps.keyRing,
          connection.clientSecret,
          clientSecretAad(tenantId, connection.id),
        ),
      )
    : undefined;
  const config = new oidc.Configuration(
    metadata,
    connection.clientId,
    {
      id_token_signed_response_alg: connection.idTokenAlg,
      [oidc.clockTolerance]: CLOCK_TOLERANCE_SECONDS,
    },
    secret ? oidc.ClientSecretBasic(secret) : oidc.None(),
  );
  config.timeout = HTTP_TIMEOUT_SECONDS;
  // Code-flow ID tokens arrive over TLS from the token endpoint, so OIDC lets clients skip
  // their signature; we check it anyway (against the IdP's JWKS), as the issue asks.
  oidc.enableNonRepudiationChecks(config);
  if (deps.allowInsecureIssuers) oidc.allowInsecureRequests(config);
  const cachedJwks = await deps.redis.get(jwksKey(deps, tenantId, connection));
  if (cachedJwks) oidc.setJwksCache(config, JSON.parse(cachedJwks) as oidc.ExportedJWKSCache);
  config[oidc.customFetch] = async (url, options) => {
    const response = await fetch(url, options as RequestInit);
    if (url === metadata.token_endpoint && response.ok) {
      await markJwksStaleOnUnknownKid(config, response.clone());
    }
    return response;
  };
  return config;
}

async function markJwksStaleOnUnknownKid(config: oidc.Configuration, response: Response) {
  const body = (await response.json().catch(() => null)) as { id_token?: unknown } | null;
  if (typeof body?.id_token !== 'string') return;
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(body.id_token).kid;
  } catch {
    return; // openid-client reports the malformed token itself
  }
  const cache = oidc.getJwksCache(config);
  if (cache && kid && !cache.jwks.keys.some((key) => key.kid === kid)) cache.uat = 0;
}

/** Shares what openid-client fetched (JWKS) with other sign-ins and instances. */
export async function saveJwksCache(
  deps: SsoDeps,
  tenantId: string,
  connection: OidcConnection,
  config: oidc.Configuration,
): Promise<void> {
  const cache = oidc.getJwksCache(config);
  if (cache?.uat) {
    await deps.redis.set(
      jwksKey(deps, tenantId, connection),
      JSON.stringify(cache),
      'EX',
      JWKS_TTL_SECONDS,
    );
  }
}

/** Forgets a connection's cached discovery document and JWKS (issuer changed, deleted). */
export async function forgetConnectionCaches(
  deps: SsoDeps,
  tenantId: string,
  connection: OidcConnection,
): Promise<void> {
  await deps.redis.del(
    discoveryKey(deps, tenantId, connection),
    jwksKey(deps, tenantId, connection),
  );
}

function describe(error: unknown): string {
  if (error instanceof oidc.ClientError) return `${error.message} (${error.code ?? 'error'})`;
  if (error instanceof Error && error.name === 'TimeoutError') return 'the issuer did not answer';
  if (error instanceof TypeError) return 'the issuer could not be reached';
  return 'unexpected response';
}
