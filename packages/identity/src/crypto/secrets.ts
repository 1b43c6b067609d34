/**
 * Random tokens, SHA-256 digests and a constant-time string comparison: the building blocks
 * of the session, API-key and recovery-code formats beside this file.
 *
 * @example
 * ```ts
 * const token = randomToken(); // 43 base64url characters, 256 bits
 * const stored = sha256Hex(token);
 * constantTimeEqual(sha256Hex(presented), stored);
 * ```
 */
import * as nodeCrypto from 'node:crypto';
import { createHash, timingSafeEqual } from 'node:crypto';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import { setBounded } from '../bounded-map.ts';

/** Returns `length` bytes from the platform CSPRNG (Web Crypto, also in Node 20+). */
export function randomBytes(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 1 || length > 65_536) {
    throw new RangeError(`randomBytes: length must be an integer in 1..65536, got ${length}`);
  }
  return crypto.getRandomValues(new Uint8Array(length));
}

/** A random token of `bytes` bytes, base64url without padding (32 bytes -> 43 characters). */
export function randomToken(bytes = 32): string {
  return encodeBase64urlNoPadding(randomBytes(bytes));
}

/** `length` characters drawn uniformly from `alphabet`, whose size must divide 256. */
export function randomString(alphabet: string, length: number): string {
  // A size that divides 256 keeps `byte % size` unbiased without rejection sampling.
  if (alphabet.length < 2 || 256 % alphabet.length !== 0) {
    throw new RangeError('randomString: alphabet size must divide 256');
  }
  let out = '';
  for (const byte of randomBytes(length)) out += alphabet[byte % alphabet.length];
  return out;
}

// crypto.hash (Node 20.12+/21.7+) is a one-shot digest, about 3x cheaper than createHash for
// inputs this short; a session check runs three of them on every request.
type OneShotHash = (algorithm: string, data: string | Uint8Array, encoding: 'buffer') => Buffer;
const oneShotHash = (nodeCrypto as { hash?: OneShotHash }).hash;

function sha256(value: string | Uint8Array): Buffer {
  return oneShotHash
    ? oneShotHash('sha256', value, 'buffer')
    : createHash('sha256').update(value).digest();
}

/** SHA-256 of `value` (strings as UTF-8), lower-case hex: 64 characters. */
export function sha256Hex(value: string | Uint8Array): string {
  return sha256(value).toString('hex');
}

/** SHA-256 of `value` (strings as UTF-8), base64url without padding: 43 characters. */
export function sha256Base64url(value: string | Uint8Array): string {
  return sha256(value).toString('base64url');
}

/**
 * Compares two strings in time that depends on neither their contents nor whether their
 * lengths match: both sides are hashed to 32 bytes first, so `timingSafeEqual` always runs
 * over equal-length inputs and never throws or returns early on a length mismatch.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  // UTF-16 code units, not UTF-8: UTF-8 maps every lone surrogate to U+FFFD, which would make
  // '\uD800' and '\uD801' compare equal.
  return timingSafeEqual(sha256(Buffer.from(a, 'utf16le')), sha256(Buffer.from(b, 'utf16le')));
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Whether SHA-256 of `value` is `hexDigest` (lower-case hex, as sha256Hex writes it), in
 * constant time: one digest and a 32-byte timingSafeEqual. Anything that is not such a digest
 * takes constantTimeEqual's path (and does not match).
 */
export function sha256Matches(value: string, hexDigest: string): boolean {
  const digest = decodedDigest(hexDigest);
  if (!digest) return constantTimeEqual(sha256Hex(value), hexDigest);
  return timingSafeEqual(sha256(value), digest);
}

// Stored digests decoded once: a live session's digest is checked on each of its requests.
// Keys are stored digests (never presented values); oldest out first when full, sized like the
// near cache so the sessions in use fit.
const decodedDigests = new Map<string, Buffer>();
const DECODED_DIGESTS_MAX = 50_000;

function decodedDigest(hexDigest: string): Buffer | undefined {
  let digest = decodedDigests.get(hexDigest);
  if (digest) return digest;
  if (!SHA256_HEX.test(hexDigest)) return undefined;
  digest = Buffer.from(hexDigest, 'hex');
  setBounded(decodedDigests, hexDigest, digest, DECODED_DIGESTS_MAX);
  return digest;
}
