/**
 * Envelope encryption for secrets at rest (signing keys, TOTP secrets, OIDC client secrets,
 * certificate private keys).
 *
 * Each secret gets its own random 256-bit data key; AES-256-GCM encrypts the secret with it,
 * and the data key is wrapped (AES-256-GCM again) with a key-encryption key from the key ring.
 * Output: `v1.<kid>.<wrapped key>.<iv>.<ciphertext+tag>`, the last three base64url.
 *
 * `aad` names where the secret belongs (`tenant:<id>:totp:<userId>`) and is authenticated by
 * both layers, so a blob copied to another row or tenant fails to decrypt. Rotation: put the
 * new key first in the spec; blobs under older key ids still decrypt while those keys remain
 * in the ring, and `needsReencryption` finds the blobs to rewrite before a key is removed.
 *
 * @example
 * ```ts
 * const ring = parseKeyRing(config.secretsKeyRing); // "k2:<base64>,k1:<base64>"
 * const aad = `tenant:${tenantId}:totp:${userId}`;
 * const blob = encryptSecret(ring, totpSecret, aad);
 * const secret = decryptSecret(ring, blob, aad);
 * ```
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { randomBytes } from './secrets.ts';

export interface KeyRing {
  /** Key id used for new encryptions. */
  activeKeyId: string;
  /** Key-encryption keys by id, 32 bytes each. Retired keys stay here until re-encrypted. */
  keys: Record<string, Uint8Array>;
}

export type SecretDecryptionFailure = 'malformed' | 'unknown_key_id' | 'authentication_failed';

/** Why a blob could not be decrypted. The message never contains key material or plaintext. */
export class SecretDecryptionError extends Error {
  constructor(
    readonly reason: SecretDecryptionFailure,
    message: string,
  ) {
    super(message);
    this.name = 'SecretDecryptionError';
  }
}

const VERSION = 'v1';
const KEY_LENGTH = 32;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const WRAPPED_KEY_LENGTH = IV_LENGTH + KEY_LENGTH + TAG_LENGTH;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const KEY_BASE64 = /^(?:[A-Za-z0-9+/]{43}=?|[A-Za-z0-9_-]{43})$/;

/**
 * Parses `k1:<base64>,k2:<base64>` (standard or url-safe base64 of 32 bytes each; spaces
 * around entries ignored). The first entry is the active key. Errors name the entry but never
 * echo key material.
 */
export function parseKeyRing(spec: string): KeyRing {
  const entries = spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error('Invalid key ring: no keys (expected "kid:<base64>")');
  // No prototype, so a key id such as "constructor" or "__proto__" is just a key id.
  const keys: Record<string, Uint8Array> = Object.create(null);
  const order: string[] = [];
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) throw new Error(`Invalid key ring: ${where} is not "kid:<base64>"`);
    const kid = entry.slice(0, colon).trim();
    const material = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(kid)) {
      throw new Error(`Invalid key ring: ${where} has a key id that is not 1-32 of [A-Za-z0-9_-]`);
    }
    if (Object.hasOwn(keys, kid)) throw new Error(`Invalid key ring: key id "${kid}" repeats`);
    if (!KEY_BASE64.test(material)) {
      throw new Error(`Invalid key ring: key "${kid}" is not base64 of exactly 32 bytes`);
    }
    // Node's base64 decoder reads the standard and the url-safe alphabet alike.
    keys[kid] = new Uint8Array(Buffer.from(material, 'base64'));
    order.push(kid);
  });
  return { activeKeyId: order[0] ?? '', keys };
}

function keyFor(ring: KeyRing, kid: string): Uint8Array | undefined {
  if (!Object.hasOwn(ring.keys, kid)) return undefined;
  const key = ring.keys[kid];
  return key instanceof Uint8Array && key.byteLength === KEY_LENGTH ? key : undefined;
}

// Both layers authenticate the version, the key id and the caller's aad; the prefixes keep a
// wrapped data key from ever verifying as a data ciphertext and vice versa.
function layerAad(layer: 'wrap' | 'data', kid: string, aad: string): Buffer {
  return Buffer.from(`tenantkit/envelope/${VERSION}/${layer}\u0000${kid}\u0000${aad}`, 'utf8');
}

function seal(key: Uint8Array, plaintext: Uint8Array, aad: Buffer): Buffer {
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

function open(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.byteLength - TAG_LENGTH));
  try {
    return Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.byteLength - TAG_LENGTH)),
      decipher.final(),
    ]);
  } catch {
    throw new SecretDecryptionError(
      'authentication_failed',
      'decryptSecret: authentication failed (wrong aad, wrong key or tampered blob)',
    );
  }
}

function assertAad(aad: string): void {
  if (typeof aad !== 'string' || aad === '') {
    throw new TypeError('envelope: aad must be a non-empty string naming where the secret lives');
  }
}

/** Encrypts `plaintext` (strings as UTF-8) under the ring's active key, bound to `aad`. */
export function encryptSecret(ring: KeyRing, plaintext: Uint8Array | string, aad: string): string {
  assertAad(aad);
  const kid = ring.activeKeyId;
  const kek = keyFor(ring, kid);
  if (!kek || !KEY_ID.test(kid)) {
    throw new Error(`encryptSecret: active key "${kid}" is missing or not 32 bytes`);
  }
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const dataKey = randomBytes(KEY_LENGTH);
  try {
    const wrapped = seal(kek, dataKey, layerAad('wrap', kid, aad));
    const sealed = seal(dataKey, data, layerAad('data', kid, aad));
    const iv = sealed.subarray(0, IV_LENGTH);
    const body = sealed.subarray(IV_LENGTH);
    return [VERSION, kid, wrapped, iv, body]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  } finally {
    dataKey.fill(0);
  }
}

function decodePart(part: string | undefined, minLength: number, maxLength: number): Buffer {
  const bytes = part && BASE64URL.test(part) ? Buffer.from(part, 'base64url') : undefined;
  if (!bytes || bytes.byteLength < minLength || bytes.byteLength > maxLength) {
    throw new SecretDecryptionError('malformed', 'decryptSecret: not a v1 envelope');
  }
  return bytes;
}

/** The key id a blob was encrypted under; throws `SecretDecryptionError('malformed')`. */
export function envelopeKeyId(blob: string): string {
  const parts = typeof blob === 'string' ? blob.split('.') : [];
  const kid = parts[1];
  if (parts.length !== 5 || parts[0] !== VERSION || !kid || !KEY_ID.test(kid)) {
    throw new SecretDecryptionError('malformed', 'decryptSecret: not a v1 envelope');
  }
  return kid;
}

/** Decrypts a blob from `encryptSecret` with the same `aad`, under any key id in the ring. */
export function decryptSecret(ring: KeyRing, blob: string, aad: string): Uint8Array {
  assertAad(aad);
  const kid = envelopeKeyId(blob);
  const [, , wrappedPart, ivPart, bodyPart] = blob.split('.');
  const wrapped = decodePart(wrappedPart, WRAPPED_KEY_LENGTH, WRAPPED_KEY_LENGTH);
  const iv = decodePart(ivPart, IV_LENGTH, IV_LENGTH);
  const body = decodePart(bodyPart, TAG_LENGTH, Number.MAX_SAFE_INTEGER);
  const kek = keyFor(ring, kid);
  if (!kek) {
    throw new SecretDecryptionError(
      'unknown_key_id',
      `decryptSecret: key id "${kid}" is not in the key ring (retired too early?)`,
    );
  }
  const dataKey = open(
    kek,
    wrapped.subarray(0, IV_LENGTH),
    wrapped.subarray(IV_LENGTH),
    layerAad('wrap', kid, aad),
  );
  try {
    return new Uint8Array(open(dataKey, iv, body, layerAad('data', kid, aad)));
  } finally {
    dataKey.fill(0);
  }
}

/** Whether a blob was encrypted under another key than the active one (rotation backlog). */
export function needsReencryption(ring: KeyRing, blob: string): boolean {
  return envelopeKeyId(blob) !== ring.activeKeyId;
}
