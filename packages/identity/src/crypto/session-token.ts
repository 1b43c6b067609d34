/**
 * Session tokens in the Lucia/oslo model: `<id>.<secret>`. The id is the row's key and may be
 * logged; the secret is never stored, only its SHA-256, so a leaked sessions table cannot be
 * replayed as cookies.
 *
 * - id: 16 random bytes, lower-case base32 without padding (26 characters)
 * - secret: 32 random bytes, base64url without padding (43 characters)
 *
 * @example
 * ```ts
 * const { token, id, secretHash } = createSessionToken();
 * await insertSession({ id, secretHash, userId }); // set `token` as the cookie value
 *
 * const parsed = parseSessionToken(cookie);
 * const row = parsed && (await findSession(parsed.id));
 * if (!row || !verifySessionSecret(parsed.secret, row.secretHash)) return unauthenticated();
 * ```
 */
import { encodeBase32LowerCaseNoPadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { randomBytes, sha256Hex, sha256Matches } from './secrets.ts';

export interface SessionToken {
  /** The cookie value: `<id>.<secret>`. */
  token: string;
  id: string;
  /** SHA-256 of the secret (its base64url text as UTF-8), lower-case hex. */
  secretHash: string;
}

export const SESSION_TOKEN_LENGTH = 26 + 1 + 43;

// The last character of each part carries fewer bits than its alphabet holds (128 = 25*5 + 3,
// 256 = 42*6 + 4); the unused low bits are zero in the one canonical encoding, so the last
// character is restricted and each value has exactly one accepted spelling.
const SESSION_TOKEN = /^([a-z2-7]{25}[aeimquy4])\.([A-Za-z0-9_-]{42}[AEIMQUYcgkosw048])$/;

export function createSessionToken(): SessionToken {
  const id = encodeBase32LowerCaseNoPadding(randomBytes(16));
  const secret = encodeBase64urlNoPadding(randomBytes(32));
  return { token: `${id}.${secret}`, id, secretHash: sha256Hex(secret) };
}

/** Splits a presented token; null for anything not exactly in the format. Never throws. */
export function parseSessionToken(token: unknown): { id: string; secret: string } | null {
  if (typeof token !== 'string' || token.length !== SESSION_TOKEN_LENGTH) return null;
  const match = SESSION_TOKEN.exec(token);
  if (!match) return null;
  const [, id, secret] = match;
  return id && secret ? { id, secret } : null;
}

/** Whether `secret` hashes to `storedHash`, compared in constant time. */
export function verifySessionSecret(secret: string, storedHash: string): boolean {
  return sha256Matches(secret, storedHash);
}
