/**
 * Machine credentials that say what they are: `tk_live_<id>_<secret>` for API keys and
 * `tk_cs_<id>_<secret>` for OAuth2 client secrets. The prefix lets secret scanners and
 * support staff recognise a leaked key; the id is the row's key and safe to show
 * (`tk_live_<id>_…`); only SHA-256 of the secret is stored.
 *
 * - id: 12 characters of lower-case base32 (60 random bits)
 * - secret: 32 random bytes, lower-case base32 without padding (52 characters)
 *
 * Base32 has no `_`, so the separators cannot occur inside a part, and no `-`, so a double
 * click selects the whole key.
 *
 * @example
 * ```ts
 * const { key, id, secretHash } = createApiKey(); // show `key` once, store id + secretHash
 *
 * const parsed = parseApiKey(bearer);
 * const row = parsed && (await findApiKey(parsed.id));
 * if (!row || !verifyApiKeySecret(parsed.secret, row.secretHash)) return unauthenticated();
 * ```
 */
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { constantTimeEqual, randomBytes, randomString, sha256Hex } from './secrets.ts';

export const API_KEY_PREFIX = 'tk_live';
export const CLIENT_SECRET_PREFIX = 'tk_cs';

export interface ApiKey {
  /** The whole credential, shown to its owner once. */
  key: string;
  id: string;
  /** SHA-256 of the secret part, lower-case hex. */
  secretHash: string;
}

export interface ParsedApiKey {
  prefix: string;
  id: string;
  secret: string;
}

const BASE32_LOWER = 'abcdefghijklmnopqrstuvwxyz234567';
const ID_LENGTH = 12;
// 256 = 51*5 + 1: the last character holds one bit, so only 'a' (0) and 'q' (16) are canonical.
const KEY_BODY = /^([a-z2-7]{12})_([a-z2-7]{51}[aq])$/;
const PREFIX = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const MAX_PREFIX_LENGTH = 32;

function assertPrefix(prefix: string): void {
  if (prefix.length > MAX_PREFIX_LENGTH || !PREFIX.test(prefix)) {
    throw new TypeError(`api key prefix must match ${PREFIX} (at most 32 characters)`);
  }
}

/** Creates a key `<prefix>_<id>_<secret>`; `prefix` defaults to `tk_live`. */
export function createApiKey(prefix: string = API_KEY_PREFIX): ApiKey {
  assertPrefix(prefix);
  const id = randomString(BASE32_LOWER, ID_LENGTH);
  const secret = encodeBase32LowerCaseNoPadding(randomBytes(32));
  return { key: `${prefix}_${id}_${secret}`, id, secretHash: sha256Hex(secret) };
}

/**
 * Splits a presented key that must carry `prefix` exactly; null for anything else, including
 * a key of another kind (a client secret is not an API key). Never throws on input.
 */
export function parseApiKey(key: unknown, prefix: string = API_KEY_PREFIX): ParsedApiKey | null {
  assertPrefix(prefix);
  if (typeof key !== 'string') return null;
  if (key.length !== prefix.length + 1 + ID_LENGTH + 1 + 52) return null;
  if (!key.startsWith(`${prefix}_`)) return null;
  const match = KEY_BODY.exec(key.slice(prefix.length + 1));
  if (!match) return null;
  const [, id, secret] = match;
  return id && secret ? { prefix, id, secret } : null;
}

/** Whether `secret` hashes to `storedHash`, compared in constant time. */
export function verifyApiKeySecret(secret: string, storedHash: string): boolean {
  return constantTimeEqual(sha256Hex(secret), storedHash);
}

export function createClientSecret(): ApiKey {
  return createApiKey(CLIENT_SECRET_PREFIX);
}

export function parseClientSecret(secret: unknown): ParsedApiKey | null {
  return parseApiKey(secret, CLIENT_SECRET_PREFIX);
}
