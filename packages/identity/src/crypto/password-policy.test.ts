import { describe, expect, it } from 'vitest';
import {
  checkPasswordPolicy,
  isCommonPassword,
  isTrivialPattern,
  loadCommonPasswords,
} from './password-policy.ts';

const GOOD = 'violet-harbour-tram-42';

describe('checkPasswordPolicy: length', () => {
  it('accepts a 12-character password with no composition rules', () => {
    expect(checkPasswordPolicy('violetharbou')).toEqual({ ok: true });
    expect(checkPasswordPolicy(GOOD)).toEqual({ ok: true });
  });

  it('refuses fewer than 12 characters', () => {
    expect(checkPasswordPolicy('violetharbo')).toEqual({ ok: false, reason: 'too_short' });
    expect(checkPasswordPolicy('')).toEqual({ ok: false, reason: 'too_short' });
  });

  it('refuses more than 256 characters', () => {
    const at = (n: number) => 'violet-harbour-tram-'.repeat(20).slice(0, n);
    expect(checkPasswordPolicy(at(256))).toEqual({ ok: true });
    expect(checkPasswordPolicy(at(257))).toEqual({ ok: false, reason: 'too_long' });
    expect(checkPasswordPolicy('x'.repeat(1_000_000))).toEqual({ ok: false, reason: 'too_long' });
  });

  it('counts code points, not UTF-16 units', () => {
    // 11 emoji are 22 UTF-16 units but 11 characters; 12 are enough.
    expect('🦊'.repeat(11)).toHaveLength(22);
    expect(checkPasswordPolicy('🦊🐙🦉🐝🦀🐢🦋🐬🦔🐧🦜')).toEqual({
      ok: false,
      reason: 'too_short',
    });
    expect(checkPasswordPolicy('🦊🐙🦉🐝🦀🐢🦋🐬🦔🐧🦜🐳')).toEqual({ ok: true });
  });

  it('counts after NFKC normalisation', () => {
    // "vélo célé" typed with combining accents: 12 code points as typed, 9 after NFKC.
    const decomposed = 've\u0301lo ce\u0301le\u0301';
    expect([...decomposed]).toHaveLength(12);
    expect(checkPasswordPolicy(decomposed)).toEqual({ ok: false, reason: 'too_short' });
    // U+FB03 (the "ffi" ligature) becomes three letters: 8 code points as typed, 12 after NFKC.
    expect(checkPasswordPolicy('\uFB03\uFB03violet')).toEqual({ ok: true });
  });
});

describe('checkPasswordPolicy: blocklist', () => {
  it('loads at least 10,000 common passwords once', () => {
    const list = loadCommonPasswords();
    expect(list.size).toBeGreaterThanOrEqual(10_000);
    expect(loadCommonPasswords()).toBe(list);
  });

  it('refuses a listed password in any letter case', () => {
    expect(isCommonPassword('1qaz2wsx3edc')).toBe(true);
    expect(checkPasswordPolicy('1qaz2wsx3edc')).toEqual({ ok: false, reason: 'common' });
    expect(checkPasswordPolicy('1QAZ2WSX3EDC')).toEqual({ ok: false, reason: 'common' });
    expect(checkPasswordPolicy('PasswordPassword')).toEqual({ ok: false, reason: 'common' });
    expect(checkPasswordPolicy('Administrator')).toEqual({ ok: false, reason: 'common' });
  });

  it('refuses a listed password typed with full-width letters (NFKC)', () => {
    expect(checkPasswordPolicy('ＡＤＭＩＮＩＳＴＲＡＴＯＲ')).toEqual({
      ok: false,
      reason: 'common',
    });
  });

  it('refuses repeated and sequential characters', () => {
    for (const trivial of [
      'aaaaaaaaaaaa',
      'abcabcabcabc',
      '123412341234',
      'abcdefghijklmn',
      '123456789012',
      '987654321098',
      'zyxwvutsrqpo',
    ]) {
      expect(isTrivialPattern(trivial), trivial).toBe(true);
      expect(checkPasswordPolicy(trivial), trivial).toEqual({ ok: false, reason: 'common' });
    }
    expect(isTrivialPattern('abcdefghijkm')).toBe(false);
    expect(isTrivialPattern('abcdeabcdeab')).toBe(false);
  });
});

describe('checkPasswordPolicy: context', () => {
  it('refuses a password that contains the local part of the email', () => {
    const email = 'Jane.Doe@example.com';
    expect(checkPasswordPolicy('janedoe-rules-2024', { email })).toEqual({
      ok: false,
      reason: 'contains_email',
    });
    expect(checkPasswordPolicy('my Jane_Doe password', { email })).toEqual({
      ok: false,
      reason: 'contains_email',
    });
    expect(checkPasswordPolicy('jane.doe@example.com', { email })).toEqual({
      ok: false,
      reason: 'contains_email',
    });
    expect(checkPasswordPolicy(GOOD, { email })).toEqual({ ok: true });
  });

  it('ignores local parts too short to mean anything', () => {
    expect(checkPasswordPolicy('violet-jo-harbour', { email: 'jo@example.com' })).toEqual({
      ok: true,
    });
  });

  it('refuses a password that contains the tenant name', () => {
    expect(checkPasswordPolicy('AcmeCorp-forever!', { tenantName: 'Acme Corp' })).toEqual({
      ok: false,
      reason: 'contains_tenant_name',
    });
    expect(checkPasswordPolicy(GOOD, { tenantName: 'Acme Corp' })).toEqual({ ok: true });
  });
});
