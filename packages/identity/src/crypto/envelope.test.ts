import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decryptSecret,
  encryptSecret,
  envelopeKeyId,
  type KeyRing,
  needsReencryption,
  parseKeyRing,
  SecretDecryptionError,
  type SecretDecryptionFailure,
} from './envelope.ts';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const ringK1: KeyRing = { activeKeyId: 'k1', keys: { k1 } };
const AAD = 'tenant:7f0c:totp:user-1';
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function decryptFailure(ring: KeyRing, blob: string, aad: string): SecretDecryptionFailure {
  try {
    decryptSecret(ring, blob, aad);
  } catch (error) {
    if (error instanceof SecretDecryptionError) return error.reason;
    throw error;
  }
  throw new Error('decryptSecret unexpectedly succeeded');
}

describe('encryptSecret / decryptSecret', () => {
  it('round-trips strings and bytes through a v1 blob', () => {
    const blob = encryptSecret(ringK1, 'oidc client secret', AAD);
    expect(blob).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{80}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(text(decryptSecret(ringK1, blob, AAD))).toBe('oidc client secret');

    const bytes = new Uint8Array(randomBytes(20));
    expect(decryptSecret(ringK1, encryptSecret(ringK1, bytes, AAD), AAD)).toEqual(bytes);
    expect(decryptSecret(ringK1, encryptSecret(ringK1, '', AAD), AAD)).toEqual(new Uint8Array());
  });

  it('does not leak the plaintext and uses a fresh data key each time', () => {
    const a = encryptSecret(ringK1, 'same secret', AAD);
    const b = encryptSecret(ringK1, 'same secret', AAD);
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
    expect(a).not.toContain(Buffer.from('same secret').toString('base64url'));
  });

  it('fails with another aad (a blob moved to another row or tenant)', () => {
    const blob = encryptSecret(ringK1, 'totp secret', AAD);
    expect(decryptFailure(ringK1, blob, 'tenant:other:totp:user-1')).toBe('authentication_failed');
    expect(decryptFailure(ringK1, blob, `${AAD} `)).toBe('authentication_failed');
  });

  it('fails when any part is tampered with', () => {
    const blob = encryptSecret(ringK1, 'signing key material', AAD);
    const parts = blob.split('.');
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index] ?? '', 'base64url');
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
      const tampered = parts.with(index, bytes.toString('base64url')).join('.');
      expect(decryptFailure(ringK1, tampered, AAD), `part ${index}`).toBe('authentication_failed');
    }
    // Cutting bytes off the end (a shorter tag, or a shorter ciphertext) must not verify.
    const body = Buffer.from(parts[4] ?? '', 'base64url');
    const truncated = parts.with(4, body.subarray(0, body.length - 4).toString('base64url'));
    expect(decryptFailure(ringK1, truncated.join('.'), AAD)).toBe('authentication_failed');
  });

  it('fails under another key with the same id', () => {
    const blob = encryptSecret(ringK1, 'x', AAD);
    const impostor: KeyRing = { activeKeyId: 'k1', keys: { k1: k2 } };
    expect(decryptFailure(impostor, blob, AAD)).toBe('authentication_failed');
  });

  it('reports malformed blobs as such', () => {
    const blob = encryptSecret(ringK1, 'x', AAD);
    for (const bad of [
      '',
      'v1',
      blob.replace(/^v1/, 'v2'),
      `${blob}.x`,
      blob.replace(/\.[^.]+$/, '.***'),
    ]) {
      expect(decryptFailure(ringK1, bad, AAD), bad).toBe('malformed');
    }
  });

  it('refuses an empty aad, which would bind the secret to nothing', () => {
    expect(() => encryptSecret(ringK1, 'x', '')).toThrow(TypeError);
  });
});

describe('key rotation', () => {
  it('decrypts under a retired key, encrypts under the new active one', () => {
    const old = encryptSecret(ringK1, 'rotated secret', AAD);
    const rotated: KeyRing = { activeKeyId: 'k2', keys: { k2, k1 } };
    expect(text(decryptSecret(rotated, old, AAD))).toBe('rotated secret');
    expect(needsReencryption(rotated, old)).toBe(true);

    const fresh = encryptSecret(rotated, 'rotated secret', AAD);
    expect(envelopeKeyId(fresh)).toBe('k2');
    expect(needsReencryption(rotated, fresh)).toBe(false);
    expect(text(decryptSecret(rotated, fresh, AAD))).toBe('rotated secret');
  });

  it('names an unknown key id clearly', () => {
    const blob = encryptSecret(ringK1, 'x', AAD);
    const withoutK1: KeyRing = { activeKeyId: 'k2', keys: { k2 } };
    expect(() => decryptSecret(withoutK1, blob, AAD)).toThrow(/key id "k1" is not in the key ring/);
    expect(decryptFailure(withoutK1, blob, AAD)).toBe('unknown_key_id');
    const proto: KeyRing = { activeKeyId: 'k1', keys: { k1 } };
    expect(decryptFailure(proto, blob.replace('v1.k1.', 'v1.constructor.'), AAD)).toBe(
      'unknown_key_id',
    );
  });

  it('refuses to encrypt when the active key is missing or the wrong size', () => {
    expect(() => encryptSecret({ activeKeyId: 'k9', keys: { k1 } }, 'x', AAD)).toThrow(/"k9"/);
    const short: KeyRing = { activeKeyId: 'k1', keys: { k1: k1.subarray(0, 16) } };
    expect(() => encryptSecret(short, 'x', AAD)).toThrow(/not 32 bytes/);
  });
});

describe('parseKeyRing', () => {
  const b64 = (key: Uint8Array) => Buffer.from(key).toString('base64');

  it('reads kid:<base64> entries with the first one active', () => {
    const ring = parseKeyRing(` k2:${b64(k2)} , k1:${Buffer.from(k1).toString('base64url')}`);
    expect(ring.activeKeyId).toBe('k2');
    expect(Object.keys(ring.keys)).toEqual(['k2', 'k1']);
    expect(ring.keys.k2).toEqual(new Uint8Array(k2));
    expect(ring.keys.k1).toEqual(new Uint8Array(k1));
    const blob = encryptSecret(ringK1, 'parsed', AAD);
    expect(text(decryptSecret(ring, blob, AAD))).toBe('parsed');
  });

  it.each([
    ['empty spec', '', /no keys/],
    ['only commas', ' , ', /no keys/],
    ['missing colon', b64(k1), /entry 1 is not "kid:<base64>"/],
    ['empty key id', `:${b64(k1)}`, /entry 1 has a key id/],
    ['dot in key id', `k.1:${b64(k1)}`, /entry 1 has a key id/],
    ['duplicate key id', `k1:${b64(k1)},k1:${b64(k2)}`, /"k1" repeats/],
    ['16-byte key', `k1:${b64(k1.subarray(0, 16))}`, /"k1" is not base64 of exactly 32 bytes/],
    ['64-byte key', `k1:${b64(randomBytes(64))}`, /"k1" is not base64 of exactly 32 bytes/],
    ['not base64', `k1:${'*'.repeat(43)}=`, /"k1" is not base64/],
    ['second entry bad', `k1:${b64(k1)},k2:`, /"k2" is not base64/],
  ])('rejects %s', (_name, spec, message) => {
    expect(() => parseKeyRing(spec)).toThrow(message);
  });

  it('never echoes key material in errors', () => {
    const material = b64(k1.subarray(0, 31));
    let message = '';
    try {
      parseKeyRing(`k1:${material}`);
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toMatch(/not base64 of exactly 32 bytes/);
    expect(message).not.toContain(material);
  });
});
