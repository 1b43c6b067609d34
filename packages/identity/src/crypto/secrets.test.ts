import { describe, expect, it } from 'vitest';
import {
  constantTimeEqual,
  randomString,
  randomToken,
  sha256Base64url,
  sha256Hex,
} from './secrets.ts';

describe('randomToken', () => {
  it('encodes the requested number of random bytes as base64url without padding', () => {
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(randomToken(48), 'base64url')).toHaveLength(48);
  });

  it('does not repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => randomToken(16)));
    expect(tokens.size).toBe(1000);
  });

  it('refuses nonsense lengths', () => {
    expect(() => randomToken(0)).toThrow(RangeError);
    expect(() => randomToken(1.5)).toThrow(RangeError);
  });
});

describe('randomString', () => {
  it('uses every symbol of the alphabet and nothing else', () => {
    const text = randomString('ab', 2000);
    expect(text).toMatch(/^[ab]{2000}$/);
    expect(text).toContain('a');
    expect(text).toContain('b');
  });

  it('refuses alphabets whose size would bias the draw', () => {
    expect(() => randomString('abc', 10)).toThrow(RangeError);
  });
});

describe('sha256', () => {
  it('matches the FIPS 180-2 "abc" vector', () => {
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256Base64url('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(sha256Hex('abc'));
  });
});

describe('constantTimeEqual', () => {
  it('is true only for identical strings', () => {
    expect(constantTimeEqual('secret-value', 'secret-value')).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('secret-value', 'secret-valuf')).toBe(false);
    expect(constantTimeEqual('Secret-value', 'secret-value')).toBe(false);
  });

  it('handles different lengths without throwing, including a prefix', () => {
    expect(constantTimeEqual('secret', 'secret-value')).toBe(false);
    expect(constantTimeEqual('secret-value', 'secret')).toBe(false);
    expect(constantTimeEqual('', 'x')).toBe(false);
  });

  it('tells apart strings that UTF-8 would conflate (lone surrogates)', () => {
    expect(constantTimeEqual('\uD800', '\uD801')).toBe(false);
    expect(constantTimeEqual('\uD800', '\uFFFD')).toBe(false);
  });
});
