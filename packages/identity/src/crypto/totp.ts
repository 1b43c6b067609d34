/**
 * TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps) and one-time recovery codes.
 *
 * `verifyTotp` returns the time step that matched; store it and pass it back as
 * `lastUsedStep`, so a code cannot be replayed within its window (RFC 6238 section 5.2).
 *
 * @example
 * ```ts
 * const { secret, uri } = createTotpEnrollment({ issuer: 'Acme', accountName: email });
 * // show `uri` as a QR code; store `encryptSecret(ring, secret, aad)`
 * const result = verifyTotp(secret, code, { lastUsedStep: user.totpLastStep });
 * if (result.valid) await saveLastStep(user.id, result.step);
 * ```
 */
import { timingSafeEqual } from 'node:crypto';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import { randomBytes, randomString, sha256Hex } from './secrets.ts';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** 160 bits, the HMAC-SHA-1 block-size recommendation of RFC 4226 section 4. */
const TOTP_SECRET_BYTES = 20;
const MAX_WINDOW = 10;
const TOTP_CODE = /^[0-9]{6}$/;

export interface TotpEnrollment {
  secret: Uint8Array;
  /** `otpauth://totp/<issuer>:<account>?secret=<BASE32>&...` for the QR code. */
  uri: string;
}

export function createTotpEnrollment({
  issuer,
  accountName,
}: {
  issuer: string;
  accountName: string;
}): TotpEnrollment {
  const secret = randomBytes(TOTP_SECRET_BYTES);
  const uri = createTOTPKeyURI(issuer, accountName, secret, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
  return { secret, uri };
}

export interface VerifyTotpOptions {
  /** Defaults to the current time. */
  now?: Date | number;
  /** Steps accepted either side of the current one (clock drift). Default 1, at most 10. */
  window?: number;
  /** The step of the last accepted code: it and earlier steps are refused (replay). */
  lastUsedStep?: number;
}

export type TotpVerification = { valid: true; step: number } | { valid: false };

/** The RFC 6238 time step (counter) for a moment. */
export function totpStep(now: Date | number = Date.now()): number {
  const ms = typeof now === 'number' ? now : now.getTime();
  return Math.floor(ms / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * Checks a 6-digit code against the current step and `window` steps either side. Every
 * candidate is computed and compared in constant time; malformed codes (not exactly six ASCII
 * digits) are refused before any work.
 */
export function verifyTotp(
  secret: Uint8Array,
  code: string,
  { now = Date.now(), window = 1, lastUsedStep }: VerifyTotpOptions = {},
): TotpVerification {
  if (!Number.isInteger(window) || window < 0 || window > MAX_WINDOW) {
    throw new RangeError(`verifyTotp: window must be an integer in 0..${MAX_WINDOW}`);
  }
  if (typeof code !== 'string' || !TOTP_CODE.test(code)) return { valid: false };
  const presented = Buffer.from(code, 'ascii');
  const current = totpStep(now);
  // Current step first, so a code that happens to match two steps reports the current one.
  const candidates = [current];
  for (let offset = 1; offset <= window; offset++) {
    candidates.push(current - offset, current + offset);
  }
  let matched: number | undefined;
  for (const step of candidates) {
    if (step < 0) continue;
    const expected = Buffer.from(generateHOTP(secret, BigInt(step), TOTP_DIGITS), 'ascii');
    const equal = timingSafeEqual(presented, expected);
    const fresh = lastUsedStep === undefined || step > lastUsedStep;
    if (equal && fresh && matched === undefined) matched = step;
  }
  return matched === undefined ? { valid: false } : { valid: true, step: matched };
}

const RECOVERY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const RECOVERY_CODE = /^[a-z2-7]{12}$/;

/** Lower-cases and drops hyphens and whitespace: "ABCD-efgh ijkl" -> "abcdefghijkl". */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

/**
 * SHA-256 (hex) of the normalised code, domain-separated by `subject` (the owner's stable id,
 * e.g. `<tenantId>:<userId>`). Without the subject, one guess would test every user's codes
 * at once in a stolen table; with it, ~60-bit codes must be attacked one user at a time.
 */
export function hashRecoveryCode(code: string, subject: string): string {
  if (!subject) throw new TypeError('hashRecoveryCode: subject must be the owner id');
  return sha256Hex(`tenantkit/recovery-code\u0000${subject}\u0000${normalizeRecoveryCode(code)}`);
}

/** Whether a presented code has the shape of a recovery code once normalised. */
export function isRecoveryCodeFormat(code: string): boolean {
  return RECOVERY_CODE.test(normalizeRecoveryCode(code));
}

/**
 * `n` codes `xxxx-xxxx-xxxx` (lower-case RFC 4648 base32: no 0/1/8/9 to misread; 60 bits
 * each) and their hashes for `subject`, in the same order. Show the codes once; store the
 * hashes and delete one when it is used.
 */
export function createRecoveryCodes(
  subject: string,
  n = 10,
): { codes: string[]; hashes: string[] } {
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    throw new RangeError('createRecoveryCodes: n must be an integer in 1..100');
  }
  const codes = Array.from({ length: n }, () => {
    const raw = randomString(RECOVERY_ALPHABET, 12);
    return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
  });
  return { codes, hashes: codes.map((code) => hashRecoveryCode(code, subject)) };
}
