/**
 * Short-lived JWT access tokens (RFC 9068 profile): ES256, `typ: at+jwt`, issued per tenant.
 *
 * A token is valid only for the tenant that issued it. The verifier pins all of it: the
 * algorithm (ES256 only, so `none` and HS256-with-the-public-key are refused before any key is
 * touched), the key (looked up by `kid` among the tenant's keys only; `jwk`, `jku`, `x5u` and
 * `x5c` headers are never consulted), the issuer (the tenant's base URL), the audience and `tid`.
 *
 * @example
 * ```ts
 * const key = activeSigningKey(keys, now);
 * const token = await signAccessToken({
 *   key, issuer: 'https://acme.tenantkit.localhost', audience: 'tenantkit-api',
 *   subject: `user:${userId}`, tenantId, scopes: ['projects:read'],
 * });
 * const claims = await verifyAccessToken(token, {
 *   keys: verificationKeys(keys, now), issuer, audience: 'tenantkit-api', tenantId,
 * });
 * ```
 */
import { type CryptoKey, errors, importJWK, jwtVerify, SignJWT } from 'jose';
import { InvalidTokenError, type InvalidTokenReason } from './errors.ts';
import { canSignAt, publicMembers, SIGNING_ALG, type SigningKey } from './signing-keys.ts';

export const ACCESS_TOKEN_TYP = 'at+jwt';
export const DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 600;
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
/** Our tokens are well under 1 KiB; anything this long is refused before it is parsed. */
export const MAX_ACCESS_TOKEN_LENGTH = 8192;

/** RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export interface SignAccessTokenInput {
  /** Must be able to sign at `now` (see `activeSigningKey`). */
  key: SigningKey;
  /** The tenant's base URL as an origin: `https://acme.tenantkit.localhost`, no trailing slash. */
  issuer: string;
  audience: string;
  /** `user:<uuid>` or `client:<uuid>`. */
  subject: string;
  tenantId: string;
  scopes: readonly string[];
  /** RFC 9068 `client_id`: the OAuth client the token was issued to, once there is one. */
  clientId?: string;
  lifetimeSeconds?: number;
  now?: Date;
}

export interface VerifyAccessTokenOptions {
  /** The tenant's verification keys (`verificationKeys(keys, now)`); no other tenant's. */
  keys: readonly SigningKey[];
  /** The tenant's base URL, compared exactly with `iss`. */
  issuer: string;
  audience: string;
  tenantId: string;
  now?: Date;
  clockToleranceSeconds?: number;
}

export interface AccessTokenClaims {
  subject: string;
  tenantId: string;
  scopes: string[];
  expiresAt: Date;
  jti: string;
  clientId?: string;
}

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

const requireText = (name: string, value: unknown): void => {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string`);
  }
};

/**
 * The issuer is compared byte for byte, so it has one spelling: the URL's origin. Refusing
 * `https://acme.example/` here beats tokens that no verifier accepts.
 */
const assertIssuer = (issuer: string): void => {
  requireText('issuer', issuer);
  let origin: string;
  try {
    origin = new URL(issuer).origin;
  } catch {
    throw new TypeError('issuer must be an absolute URL');
  }
  if (origin !== issuer) throw new TypeError(`issuer must be an origin such as ${origin}`);
};

// Imported CryptoKeys, per SigningKey object. The private one is non-extractable.
const privateKeys = new WeakMap<SigningKey, Promise<CryptoKey>>();
const publicKeys = new WeakMap<SigningKey, Promise<CryptoKey>>();

const importCached = (
  cache: WeakMap<SigningKey, Promise<CryptoKey>>,
  key: SigningKey,
  jwk: Parameters<typeof importJWK>[0],
): Promise<CryptoKey> => {
  let imported = cache.get(key);
  if (!imported) {
    imported = importJWK({ ...jwk }, SIGNING_ALG).then((result) => {
      if (result instanceof Uint8Array) throw new TypeError('signing key is not asymmetric');
      return result;
    });
    cache.set(key, imported);
  }
  return imported;
};

const privateKeyOf = (key: SigningKey): Promise<CryptoKey> => {
  const { d } = key.privateJwk;
  if (typeof d !== 'string') throw new TypeError(`signing key ${key.kid} has no private part`);
  return importCached(privateKeys, key, { ...publicMembers(key.privateJwk), d });
};

// Built from the allowlisted public members, so a stored publicJwk that wrongly holds `d`
// still yields a public key.
const publicKeyOf = (key: SigningKey): Promise<CryptoKey> =>
  importCached(publicKeys, key, publicMembers(key.publicJwk));

/** Signs an access token for one subject of one tenant. Returns the compact JWS. */
export async function signAccessToken({
  key,
  issuer,
  audience,
  subject,
  tenantId,
  scopes,
  clientId,
  lifetimeSeconds = DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS,
  now = new Date(),
}: SignAccessTokenInput): Promise<string> {
  assertIssuer(issuer);
  requireText('audience', audience);
  requireText('subject', subject);
  requireText('tenantId', tenantId);
  if (clientId !== undefined) requireText('clientId', clientId);
  const badScope = scopes.find((scope) => !SCOPE_TOKEN.test(scope));
  if (badScope !== undefined)
    throw new TypeError(`invalid scope token: ${JSON.stringify(badScope)}`);
  if (!Number.isSafeInteger(lifetimeSeconds) || lifetimeSeconds <= 0) {
    throw new RangeError('lifetimeSeconds must be a positive integer');
  }
  if (key.alg !== SIGNING_ALG) throw new TypeError(`signing key ${key.kid} is not ${SIGNING_ALG}`);
  if (!canSignAt(key, now)) {
    throw new RangeError(`signing key ${key.kid} may not sign at ${now.toISOString()}`);
  }
  // The key's verification window outlasts its signing window by the token lifetime it was
  // made for; a longer token would outlive its key and fail verification near rotation.
  if (lifetimeSeconds * 1000 > key.expiresAt.getTime() - key.retiresAt.getTime()) {
    throw new RangeError(`lifetimeSeconds exceeds what signing key ${key.kid} was created for`);
  }

  const issuedAt = epochSeconds(now);
  const claims: Record<string, string> = { tid: tenantId };
  // RFC 9068 has no empty scope: a token without scopes simply carries no `scope` claim.
  if (scopes.length > 0) claims.scope = [...new Set(scopes)].join(' ');
  if (clientId !== undefined) claims.client_id = clientId;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: ACCESS_TOKEN_TYP })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(subject)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(issuedAt + lifetimeSeconds)
    .setJti(crypto.randomUUID())
    .sign(await privateKeyOf(key));
}

const CLAIM_REASONS: Partial<Record<string, InvalidTokenReason>> = {
  iss: 'issuer',
  aud: 'audience',
  nbf: 'not_yet_valid',
  typ: 'typ',
};

/** Maps jose's failures onto our reasons; undefined for anything that is not a token fault. */
const reasonFor = (err: unknown): InvalidTokenReason | undefined => {
  if (err instanceof errors.JOSEAlgNotAllowed) return 'alg';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    // 'missing' and 'invalid' (wrong type) are shape faults, whichever claim they concern.
    return err.reason === 'check_failed' ? (CLAIM_REASONS[err.claim] ?? 'malformed') : 'malformed';
  }
  if (err instanceof errors.JOSEError) return 'malformed';
  return undefined;
};

/**
 * Verifies an access token for one tenant and returns its claims, or throws
 * `InvalidTokenError`. Any other error is a fault of ours (a broken key), not of the token.
 */
export async function verifyAccessToken(
  token: string,
  {
    keys,
    issuer,
    audience,
    tenantId,
    now = new Date(),
    clockToleranceSeconds = DEFAULT_CLOCK_TOLERANCE_SECONDS,
  }: VerifyAccessTokenOptions,
): Promise<AccessTokenClaims> {
  // An empty expectation would make jose skip the check, so a wiring mistake must not pass.
  requireText('issuer', issuer);
  requireText('audience', audience);
  requireText('tenantId', tenantId);
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_ACCESS_TOKEN_LENGTH) {
    throw new InvalidTokenError('malformed');
  }
  // Even if handed every key ever stored, an expired key verifies nothing.
  const usable = keys.filter(
    (key) => key.alg === SIGNING_ALG && now.getTime() < key.expiresAt.getTime(),
  );

  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(
      token,
      async (header) => {
        const key = usable.find((candidate) => candidate.kid === header.kid);
        if (typeof header.kid !== 'string' || !key) throw new InvalidTokenError('kid');
        return publicKeyOf(key);
      },
      {
        algorithms: [SIGNING_ALG],
        typ: ACCESS_TOKEN_TYP,
        issuer,
        audience,
        requiredClaims: ['iss', 'aud', 'sub', 'exp', 'iat', 'jti', 'tid'],
        currentDate: now,
        clockTolerance: clockToleranceSeconds,
      },
    ));
  } catch (err) {
    if (err instanceof InvalidTokenError) throw err;
    const reason = reasonFor(err);
    if (reason === undefined) throw err;
    throw new InvalidTokenError(reason, { cause: err });
  }

  const { sub, tid, jti, scope, exp, iat, client_id: clientId } = payload;
  if (
    typeof sub !== 'string' ||
    sub.length === 0 ||
    typeof tid !== 'string' ||
    typeof jti !== 'string' ||
    typeof exp !== 'number' ||
    typeof iat !== 'number' ||
    (scope !== undefined && typeof scope !== 'string') ||
    (clientId !== undefined && typeof clientId !== 'string')
  ) {
    throw new InvalidTokenError('malformed');
  }
  // jose checks `iat` only with maxTokenAge; a token from the future is not valid yet.
  if (iat > epochSeconds(now) + clockToleranceSeconds) throw new InvalidTokenError('not_yet_valid');
  if (tid !== tenantId) throw new InvalidTokenError('tenant');

  return {
    subject: sub,
    tenantId: tid,
    scopes: scope === undefined ? [] : scope.split(' ').filter((s) => s.length > 0),
    expiresAt: new Date(exp * 1000),
    jti,
    ...(clientId === undefined ? {} : { clientId }),
  };
}
