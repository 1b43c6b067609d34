/**
 * Per-tenant signing keys for access tokens, and the pure schedule that rotates them.
 *
 * A key lives through four instants:
 *
 * ```
 * createdAt ── published in the JWKS, not yet signing (caches of the old JWKS catch up)
 * activatesAt ── may sign; the newest key that may sign is the one that does
 * retiresAt ── never signs again, still verifies the tokens it signed
 * expiresAt = retiresAt + max token lifetime + clock skew ── gone from the JWKS, deletable
 * ```
 *
 * ES256 (ECDSA P-256), not EdDSA: every JOSE library a tenant's own services might use speaks
 * ES256 (RFC 7518 marks it Recommended+; EdDSA support is still patchy in Java/.NET stacks and
 * API gateways), and Azure Key Vault, where signing keys can move later, has P-256 keys but no
 * Ed25519. The speed difference is microseconds per token.
 *
 * @example
 * ```ts
 * const plan = planRotation(keys, now);
 * for (const kid of plan.delete) await store.delete(tenantId, kid);
 * if (plan.create) await store.insert(tenantId, await generateSigningKey(plan.create));
 * ```
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

export const SIGNING_ALG = 'ES256';

export type SigningKey = {
  /** RFC 7638 JWK thumbprint (SHA-256) of the public key. */
  kid: string;
  alg: typeof SIGNING_ALG;
  privateJwk: JWK;
  publicJwk: JWK;
  /** Published in the JWKS from here on. */
  createdAt: Date;
  /** May sign from here on. */
  activatesAt: Date;
  /** Stops signing. */
  retiresAt: Date;
  /** Stops verifying: retiresAt + max token lifetime + skew. */
  expiresAt: Date;
};

/** The members of a published key: an allowlist, so a private member can never leak. */
export type PublicSigningJwk = {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: typeof SIGNING_ALG;
  use: 'sig';
};

export type Jwks = { keys: PublicSigningJwk[] };

export interface GenerateSigningKeyOptions {
  now: Date;
  /** Time between publication and first signature; must exceed any JWKS cache lifetime. */
  activationDelayMs: number;
  /** How long the key may sign, counted from activation. */
  signingLifetimeMs: number;
  /** Longest lifetime of a token this key signs; it keeps verifying that long after retiring. */
  tokenLifetimeMs: number;
  /** Added to the verification window so verifiers with a lagging clock still find the key. */
  clockSkewMs?: number;
}

export interface RotationPolicy {
  activationDelayMs: number;
  signingLifetimeMs: number;
  tokenLifetimeMs: number;
  clockSkewMs: number;
  /**
   * The successor is created once the last key that can sign has this long or less left. Must
   * exceed activationDelayMs by more than the interval the rotation job runs at, so the
   * successor activates before its predecessor retires.
   */
  rotateBeforeMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A day of publication lead covers the slowest common JWKS cache (.NET refreshes every 12 h);
 * keys sign for 30 days; the rotation job gets a day of slack to create the successor.
 */
export const DEFAULT_ROTATION_POLICY: Readonly<RotationPolicy> = Object.freeze({
  activationDelayMs: DAY,
  signingLifetimeMs: 30 * DAY,
  tokenLifetimeMs: 10 * MINUTE,
  clockSkewMs: MINUTE,
  rotateBeforeMs: 2 * DAY,
});

const DEFAULT_CLOCK_SKEW_MS = DEFAULT_ROTATION_POLICY.clockSkewMs;

const assertDuration = (name: string, value: number, { positive = false } = {}): void => {
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new RangeError(`${name} must be a ${positive ? 'positive' : 'non-negative'} number`);
  }
};

const assertDate = (name: string, value: Date): void => {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new RangeError(`${name} must be a valid Date`);
  }
};

/** Creates an ES256 key pair whose schedule starts at `now`. */
export async function generateSigningKey({
  now,
  activationDelayMs,
  signingLifetimeMs,
  tokenLifetimeMs,
  clockSkewMs = DEFAULT_CLOCK_SKEW_MS,
}: GenerateSigningKeyOptions): Promise<SigningKey> {
  assertDate('now', now);
  assertDuration('activationDelayMs', activationDelayMs);
  assertDuration('signingLifetimeMs', signingLifetimeMs, { positive: true });
  assertDuration('tokenLifetimeMs', tokenLifetimeMs, { positive: true });
  assertDuration('clockSkewMs', clockSkewMs);

  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const exportedPublic = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exportedPublic, 'sha256');
  const publicJwk: PublicSigningJwk = {
    ...publicMembers(exportedPublic),
    kid,
    alg: SIGNING_ALG,
    use: 'sig',
  };
  const { d } = await exportJWK(privateKey);
  if (typeof d !== 'string') throw new Error('generated private key has no "d" member');
  const privateJwk: JWK = { ...publicJwk, d };

  const activatesAt = now.getTime() + activationDelayMs;
  const retiresAt = activatesAt + signingLifetimeMs;
  return {
    kid,
    alg: SIGNING_ALG,
    privateJwk,
    publicJwk,
    createdAt: new Date(now.getTime()),
    activatesAt: new Date(activatesAt),
    retiresAt: new Date(retiresAt),
    expiresAt: new Date(retiresAt + tokenLifetimeMs + clockSkewMs),
  };
}

/**
 * The public members of a P-256 key, copied one by one. Anything else a stored JWK carries
 * (`d`, `key_ops`, vendor members) is dropped rather than filtered out, so a future private
 * member cannot slip through.
 */
export function publicMembers(jwk: JWK): Pick<PublicSigningJwk, 'kty' | 'crv' | 'x' | 'y'> {
  const { kty, crv, x, y } = jwk;
  if (kty !== 'EC' || crv !== 'P-256' || typeof x !== 'string' || typeof y !== 'string') {
    throw new TypeError('signing key is not an EC P-256 public key');
  }
  return { kty: 'EC', crv: 'P-256', x, y };
}

/** Newest first (by activation, then creation, then kid) so every choice is deterministic. */
const newestFirst = (a: SigningKey, b: SigningKey): number =>
  b.activatesAt.getTime() - a.activatesAt.getTime() ||
  b.createdAt.getTime() - a.createdAt.getTime() ||
  (a.kid < b.kid ? 1 : a.kid > b.kid ? -1 : 0);

export const canSignAt = (key: SigningKey, now: Date): boolean =>
  key.activatesAt.getTime() <= now.getTime() && now.getTime() < key.retiresAt.getTime();

/** Published keys: created (which is when they enter the JWKS) and not yet expired. */
export const isPublishedAt = (key: SigningKey, now: Date): boolean =>
  key.createdAt.getTime() <= now.getTime() && now.getTime() < key.expiresAt.getTime();

/**
 * The key that signs at `now`: the newest one inside its signing window. Older keys whose
 * window has not closed stay unused; that is the overlap. Undefined when no key may sign.
 */
export function activeSigningKey(keys: readonly SigningKey[], now: Date): SigningKey | undefined {
  return keys.filter((key) => canSignAt(key, now)).sort(newestFirst)[0];
}

/**
 * Keys a verifier accepts at `now`, newest first: every published key. That includes the
 * upcoming key (published `activatesAt - createdAt` before it signs) and retired keys until
 * the last token they signed has expired.
 */
export function verificationKeys(keys: readonly SigningKey[], now: Date): SigningKey[] {
  return keys.filter((key) => isPublishedAt(key, now)).sort(newestFirst);
}

/** The tenant's `/.well-known/jwks.json` body at `now`. */
export function jwks(keys: readonly SigningKey[], now: Date): Jwks {
  return {
    keys: verificationKeys(keys, now).map((key) => ({
      ...publicMembers(key.publicJwk),
      kid: key.kid,
      alg: SIGNING_ALG,
      use: 'sig',
    })),
  };
}

export interface RotationPlan {
  /** Options for `generateSigningKey` when a key must be created, else null. */
  create: GenerateSigningKeyOptions | null;
  /** kids of keys past their expiresAt: out of the JWKS, no token they signed is still valid. */
  delete: string[];
}

const assertPolicy = (policy: RotationPolicy): void => {
  assertDuration('activationDelayMs', policy.activationDelayMs);
  assertDuration('signingLifetimeMs', policy.signingLifetimeMs, { positive: true });
  assertDuration('tokenLifetimeMs', policy.tokenLifetimeMs, { positive: true });
  assertDuration('clockSkewMs', policy.clockSkewMs);
  assertDuration('rotateBeforeMs', policy.rotateBeforeMs);
  if (policy.rotateBeforeMs <= policy.activationDelayMs) {
    throw new RangeError('rotateBeforeMs must exceed activationDelayMs, or signing has a gap');
  }
  if (policy.signingLifetimeMs <= policy.rotateBeforeMs) {
    throw new RangeError('signingLifetimeMs must exceed rotateBeforeMs, or every run rotates');
  }
};

/**
 * What the rotation job should do at `now`. Pure: the caller generates and stores keys.
 * Idempotent: applying the plan and planning again at the same instant yields no work.
 *
 * - No key can sign now or later (a new tenant, or every key retired while the job was down):
 *   create one that activates immediately. Being unable to issue tokens is worse than a remote
 *   verifier refetching its JWKS on an unknown kid, which the common libraries do.
 * - The last key that can sign retires within `rotateBeforeMs` (inclusive): create its
 *   successor with the normal publication lead.
 */
export function planRotation(
  keys: readonly SigningKey[],
  now: Date,
  policy: RotationPolicy = DEFAULT_ROTATION_POLICY,
): RotationPlan {
  assertDate('now', now);
  assertPolicy(policy);
  const t = now.getTime();
  const expired = keys.filter((key) => key.expiresAt.getTime() <= t).map((key) => key.kid);
  const signingHorizon = Math.max(
    Number.NEGATIVE_INFINITY,
    ...keys.filter((key) => t < key.retiresAt.getTime()).map((key) => key.retiresAt.getTime()),
  );
  const { activationDelayMs, signingLifetimeMs, tokenLifetimeMs, clockSkewMs } = policy;
  const base = { now, signingLifetimeMs, tokenLifetimeMs, clockSkewMs };
  let create: GenerateSigningKeyOptions | null = null;
  if (signingHorizon === Number.NEGATIVE_INFINITY) {
    create = { ...base, activationDelayMs: 0 };
  } else if (signingHorizon - t <= policy.rotateBeforeMs) {
    create = { ...base, activationDelayMs };
  }
  return { create, delete: expired };
}
