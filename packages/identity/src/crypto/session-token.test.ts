import { describe, expect, it } from 'vitest';
import { sha256Hex } from './secrets.ts';
import {
  createSessionToken,
  parseSessionToken,
  SESSION_TOKEN_LENGTH,
  verifySessionSecret,
} from './session-token.ts';

describe('createSessionToken', () => {
  it('is <26 base32 id>.<43 base64url secret> and stores only the secret hash', () => {
    const { token, id, secretHash } = createSessionToken();
    expect(token).toHaveLength(SESSION_TOKEN_LENGTH);
    expect(id).toMatch(/^[a-z2-7]{26}$/);
    const [tokenId, secret] = token.split('.');
    expect(tokenId).toBe(id);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret ?? '', 'base64url')).toHaveLength(32);
    expect(secretHash).toBe(sha256Hex(secret ?? ''));
    expect(secretHash).not.toContain(secret);
  });

  it('gives fresh ids and secrets that its own parser accepts', () => {
    const tokens = Array.from({ length: 500 }, () => createSessionToken());
    expect(new Set(tokens.map((t) => t.id)).size).toBe(500);
    for (const { token, id } of tokens) expect(parseSessionToken(token)?.id).toBe(id);
  });
});

describe('parseSessionToken', () => {
  const { token, id } = createSessionToken();
  const secret = token.slice(27);

  it('splits a well-formed token', () => {
    expect(parseSessionToken(token)).toEqual({ id, secret });
  });

  it.each([
    ['empty', ''],
    ['truncated', token.slice(0, -1)],
    ['id only', id],
    ['extra character', `${token}A`],
    ['extra dot part', `${token}.x`],
    ['dot moved', `${id.slice(0, -1)}.${id.slice(-1)}${secret}`],
    ['two dots', `${id}..${secret.slice(1)}`],
    ['upper-case id', `${id.toUpperCase()}.${secret}`],
    ['base64 + in secret', `${id}.+${secret.slice(1)}`],
    ['padding', `${id}.${secret.slice(0, -1)}=`],
    ['non-canonical last id char', `${id.slice(0, -1)}b.${secret}`],
    ['non-canonical last secret char', `${id}.${secret.slice(0, -1)}B`],
    ['whitespace', ` ${token.slice(1)}`],
    ['oversized', `${token}${'a'.repeat(100_000)}`],
  ])('rejects %s', (_name, value) => {
    expect(parseSessionToken(value)).toBeNull();
  });

  it('never throws on non-strings', () => {
    for (const value of [undefined, null, 42, {}, ['a.b'], Symbol('t')]) {
      expect(parseSessionToken(value)).toBeNull();
    }
  });
});

describe('verifySessionSecret', () => {
  it('accepts the secret that was hashed and nothing else', () => {
    const { token, secretHash } = createSessionToken();
    const parsed = parseSessionToken(token);
    expect(parsed && verifySessionSecret(parsed.secret, secretHash)).toBe(true);
    const other = parseSessionToken(createSessionToken().token);
    expect(other && verifySessionSecret(other.secret, secretHash)).toBe(false);
    expect(verifySessionSecret('', secretHash)).toBe(false);
    expect(verifySessionSecret(parsed?.secret ?? '', '')).toBe(false);
    // Malformed stored digests never match: upper case (hex-decodes to the same bytes), short,
    // or not hex at all.
    expect(verifySessionSecret(parsed?.secret ?? '', secretHash.toUpperCase())).toBe(false);
    expect(verifySessionSecret(parsed?.secret ?? '', secretHash.slice(0, 62))).toBe(false);
    expect(verifySessionSecret(parsed?.secret ?? '', 'z'.repeat(64))).toBe(false);
  });
});
