import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import {
  createRecoveryCodes,
  createTotpEnrollment,
  hashRecoveryCode,
  isRecoveryCodeFormat,
  normalizeRecoveryCode,
  totpStep,
  verifyTotp,
} from './totp.ts';

// RFC 6238 appendix B, SHA-1 seed; 6-digit codes are the last six digits of the 8-digit ones.
const RFC_SECRET = new TextEncoder().encode('12345678901234567890');
const at = (seconds: number) => seconds * 1000;

describe('verifyTotp', () => {
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ])('matches the RFC 6238 vector at T=%i', (seconds, code) => {
    expect(verifyTotp(RFC_SECRET, code, { now: at(seconds), window: 0 })).toEqual({
      valid: true,
      step: Math.floor(seconds / 30),
    });
  });

  it('accepts a Date for now', () => {
    expect(verifyTotp(RFC_SECRET, '287082', { now: new Date(at(59)) }).valid).toBe(true);
  });

  it('refuses a wrong code', () => {
    expect(verifyTotp(RFC_SECRET, '287083', { now: at(59) })).toEqual({ valid: false });
  });

  it('accepts one step either side by default and reports the step that matched', () => {
    // 287082 belongs to step 1 (T = 30..59).
    expect(verifyTotp(RFC_SECRET, '287082', { now: at(89) })).toEqual({ valid: true, step: 1 });
    expect(verifyTotp(RFC_SECRET, '287082', { now: at(29) })).toEqual({ valid: true, step: 1 });
    expect(verifyTotp(RFC_SECRET, '287082', { now: at(90) })).toEqual({ valid: false });
    const later = 1111111109 + 30;
    expect(verifyTotp(RFC_SECRET, '081804', { now: at(later) })).toEqual({
      valid: true,
      step: 37037036,
    });
  });

  it('honours the window size', () => {
    expect(verifyTotp(RFC_SECRET, '287082', { now: at(89), window: 0 }).valid).toBe(false);
    expect(verifyTotp(RFC_SECRET, '287082', { now: at(119), window: 2 }).valid).toBe(true);
    expect(verifyTotp(RFC_SECRET, '287082', { now: at(149), window: 2 }).valid).toBe(false);
    expect(() => verifyTotp(RFC_SECRET, '287082', { window: -1 })).toThrow(RangeError);
    expect(() => verifyTotp(RFC_SECRET, '287082', { window: 1.5 })).toThrow(RangeError);
  });

  it('refuses a step at or before the last one used (replay)', () => {
    expect(verifyTotp(RFC_SECRET, '287082', { now: at(59), lastUsedStep: 1 })).toEqual({
      valid: false,
    });
    expect(verifyTotp(RFC_SECRET, '287082', { now: at(89), lastUsedStep: 2 }).valid).toBe(false);
    expect(verifyTotp(RFC_SECRET, '287082', { now: at(59), lastUsedStep: 0 })).toEqual({
      valid: true,
      step: 1,
    });
  });

  it.each([
    '',
    '28708',
    '2870820',
    ' 287082',
    '287082 ',
    '287 082',
    '28708a',
    '+87082',
    '２８７０８２',
    '٢٨٧٠٨٢',
  ])('refuses the malformed code %j', (code) => {
    expect(verifyTotp(RFC_SECRET, code, { now: at(59) })).toEqual({ valid: false });
  });

  it('computes the RFC time step', () => {
    expect(totpStep(at(59))).toBe(1);
    expect(totpStep(new Date(at(60)))).toBe(2);
  });
});

describe('createTotpEnrollment', () => {
  it('returns a 160-bit secret and an otpauth URI carrying it in base32', () => {
    const { secret, uri } = createTotpEnrollment({
      issuer: 'Acme Inc',
      accountName: 'jane@example.com',
    });
    expect(secret).toHaveLength(20);
    const url = new URL(uri);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Acme Inc:jane@example.com');
    expect(url.searchParams.get('issuer')).toBe('Acme Inc');
    expect(url.searchParams.get('algorithm')).toBe('SHA1');
    expect(url.searchParams.get('digits')).toBe('6');
    expect(url.searchParams.get('period')).toBe('30');
    expect(decodeBase32IgnorePadding(url.searchParams.get('secret') ?? '')).toEqual(secret);
    expect(createTotpEnrollment({ issuer: 'a', accountName: 'b' }).secret).not.toEqual(secret);
  });
});

describe('recovery codes', () => {
  const subject = 'tenant-1:user-1';

  it('creates n distinct xxxx-xxxx-xxxx base32 codes with matching hashes', () => {
    const { codes, hashes } = createRecoveryCodes(subject);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const [i, code] of codes.entries()) {
      expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
      expect(hashes[i]).toBe(hashRecoveryCode(code, subject));
      expect(hashes[i]).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(createRecoveryCodes(subject, 3).codes).toHaveLength(3);
    expect(() => createRecoveryCodes(subject, 0)).toThrow(RangeError);
  });

  it('normalises case, hyphens and spaces before hashing', () => {
    const canonical = hashRecoveryCode('abcd-efgh-ijkl', subject);
    expect(normalizeRecoveryCode(' ABCD-efgh ijkl\t')).toBe('abcdefghijkl');
    expect(hashRecoveryCode('ABCD-EFGH-IJKL', subject)).toBe(canonical);
    expect(hashRecoveryCode('abcdefghijkl', subject)).toBe(canonical);
    expect(hashRecoveryCode(' abcd efgh-ijkl ', subject)).toBe(canonical);
    expect(hashRecoveryCode('abcd-efgh-ijkm', subject)).not.toBe(canonical);
  });

  it('binds hashes to their owner', () => {
    const code = createRecoveryCodes(subject, 1).codes[0] ?? '';
    expect(hashRecoveryCode(code, 'tenant-1:user-2')).not.toBe(hashRecoveryCode(code, subject));
    expect(() => hashRecoveryCode(code, '')).toThrow(TypeError);
  });

  it('recognises the code shape', () => {
    expect(isRecoveryCodeFormat('ABCD-EFGH-2345')).toBe(true);
    expect(isRecoveryCodeFormat('abcd-efgh-2341')).toBe(false);
    expect(isRecoveryCodeFormat('abcd-efgh')).toBe(false);
  });
});
