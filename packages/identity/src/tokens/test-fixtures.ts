/**
 * Shared by the tokens tests only (not exported from the package): fixed clocks, two tenants,
 * and a forger that signs arbitrary headers and payloads the way an attacker would.
 */
import { CompactSign, type JWK } from 'jose';
import { generateSigningKey, type SigningKey } from './signing-keys.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const T0 = new Date('2025-03-01T00:00:00.000Z');
export const at = (offsetMs: number, from: Date = T0): Date => new Date(from.getTime() + offsetMs);
export const epoch = (date: Date): number => Math.floor(date.getTime() / 1000);

export const AUDIENCE = 'tenantkit-api';
export const TENANT_A = {
  id: '0195a3c4-0000-7000-8000-00000000000a',
  issuer: 'https://acme.tenantkit.localhost',
};
export const TENANT_B = {
  id: '0195a3c4-0000-7000-8000-00000000000b',
  issuer: 'https://globex.tenantkit.localhost',
};
export const SUBJECT = 'user:0195a3c4-0000-7000-8000-00000000aa01';

/** A key that signs from `now` for 30 days, made for 10-minute tokens. */
export const signingKeyAt = (now: Date = T0): Promise<SigningKey> =>
  generateSigningKey({
    now,
    activationDelayMs: 0,
    signingLifetimeMs: 30 * DAY,
    tokenLifetimeMs: 10 * MINUTE,
  });

/** The claims `signAccessToken` would produce for tenant A at `now`. */
export const validPayload = (now: Date = T0): Record<string, unknown> => ({
  iss: TENANT_A.issuer,
  aud: AUDIENCE,
  sub: SUBJECT,
  tid: TENANT_A.id,
  scope: 'projects:read',
  iat: epoch(now),
  nbf: epoch(now),
  exp: epoch(now) + 600,
  jti: '5b0c4f0e-2a57-4a3e-9d55-1c1f6a3a0b21',
});

export const validHeader = (key: SigningKey): Record<string, unknown> => ({
  alg: 'ES256',
  kid: key.kid,
  typ: 'at+jwt',
});

const encoder = new TextEncoder();

export const b64url = (value: string | Uint8Array): string =>
  Buffer.from(typeof value === 'string' ? encoder.encode(value) : value).toString('base64url');

/** Signs `payload` under `header` with any ES256 private JWK, no questions asked. */
export const forgeEs256 = async (
  header: Record<string, unknown>,
  payload: unknown,
  privateJwk: JWK,
): Promise<string> =>
  new CompactSign(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader({ ...header, alg: 'ES256' })
    .sign({ ...privateJwk });

/** Assembles a compact JWS from parts, with whatever signature segment the caller wants. */
export const compact = (header: unknown, payload: unknown, signature = ''): string =>
  `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.${signature}`;
