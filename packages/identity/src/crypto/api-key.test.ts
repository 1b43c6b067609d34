import { describe, expect, it } from 'vitest';
import {
  createApiKey,
  createClientSecret,
  parseApiKey,
  parseClientSecret,
  verifyApiKeySecret,
} from './api-key.ts';
import { sha256Hex } from './secrets.ts';

describe('createApiKey', () => {
  it('is tk_live_<12 base32>_<52 base32> and stores only the secret hash', () => {
    const { key, id, secretHash } = createApiKey();
    expect(key).toMatch(/^tk_live_[a-z2-7]{12}_[a-z2-7]{52}$/);
    expect(key.split('_')[2]).toBe(id);
    const secret = key.split('_')[3] ?? '';
    expect(secretHash).toBe(sha256Hex(secret));
    expect(parseApiKey(key)).toEqual({ prefix: 'tk_live', id, secret });
  });

  it('gives fresh ids and secrets that its own parser accepts', () => {
    const keys = Array.from({ length: 500 }, () => createApiKey());
    expect(new Set(keys.map((k) => k.id)).size).toBe(500);
    for (const { key, id } of keys) expect(parseApiKey(key)?.id).toBe(id);
  });

  it('serves client secrets with their own prefix', () => {
    const { key, id } = createClientSecret();
    expect(key).toMatch(/^tk_cs_[a-z2-7]{12}_[a-z2-7]{52}$/);
    expect(parseClientSecret(key)?.id).toBe(id);
    expect(createApiKey('tk_test').key).toMatch(/^tk_test_/);
  });

  it('refuses prefixes that would make the format ambiguous', () => {
    expect(() => createApiKey('tk_')).toThrow(TypeError);
    expect(() => createApiKey('TK_LIVE')).toThrow(TypeError);
    expect(() => createApiKey('tk.live')).toThrow(TypeError);
  });
});

describe('parseApiKey', () => {
  const { key, id } = createApiKey();
  const secret = key.slice('tk_live_'.length + 13);

  it.each([
    ['empty', ''],
    ['truncated', key.slice(0, -1)],
    ['extra character', `${key}a`],
    ['no prefix', `${id}_${secret}`],
    ['other prefix of the same length', key.replace('tk_live_', 'tk_test_')],
    ['upper case', key.toUpperCase()],
    ['separator moved', `tk_live_${id.slice(0, -1)}_${id.slice(-1)}${secret}`],
    ['non-canonical last secret char', `${key.slice(0, -1)}b`],
    ['digit 1 (not base32)', `tk_live_1${id.slice(1)}_${secret}`],
    ['oversized', `${key}${'a'.repeat(100_000)}`],
  ])('rejects %s', (_name, value) => {
    expect(parseApiKey(value)).toBeNull();
  });

  it('does not accept a client secret as an API key, nor the reverse', () => {
    const clientSecret = createClientSecret().key;
    expect(parseApiKey(clientSecret)).toBeNull();
    expect(parseClientSecret(key)).toBeNull();
  });

  it('never throws on non-strings', () => {
    for (const value of [undefined, null, 42, {}, [key]]) expect(parseApiKey(value)).toBeNull();
  });
});

describe('verifyApiKeySecret', () => {
  it('accepts the secret that was hashed and nothing else', () => {
    const { key, secretHash } = createApiKey();
    const parsed = parseApiKey(key);
    expect(parsed && verifyApiKeySecret(parsed.secret, secretHash)).toBe(true);
    const other = parseApiKey(createApiKey().key);
    expect(other && verifyApiKeySecret(other.secret, secretHash)).toBe(false);
    expect(verifyApiKeySecret(parsed?.secret ?? '', secretHash.toUpperCase())).toBe(false);
  });
});
