/**
 * Password policy after NIST SP 800-63B 5.1.1.2: length is the only rule about what a
 * password is made of (no composition rules); passwords that are known, trivially guessable
 * or derived from the account's own context are refused.
 *
 * Lengths count Unicode code points after NFKC normalisation, the form that gets hashed.
 *
 * @example
 * ```ts
 * const policy = checkPasswordPolicy(input.password, { email, tenantName: tenant.name });
 * if (!policy.ok) throw new WeakPasswordError(policy.reason);
 * ```
 */
import { readFileSync } from 'node:fs';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export type PasswordPolicyViolation =
  | 'too_short'
  | 'too_long'
  | 'common'
  | 'contains_email'
  | 'contains_tenant_name';

export type PasswordPolicyResult = { ok: true } | { ok: false; reason: PasswordPolicyViolation };

export interface PasswordContext {
  email?: string;
  tenantName?: string;
}

// A 256-code-point password cannot plausibly take more UTF-16 units than this before NFKC;
// refusing earlier keeps megabyte inputs away from normalisation.
const MAX_RAW_LENGTH = 16 * PASSWORD_MAX_LENGTH;
// Context words shorter than this ("al", "io") would refuse too many good passwords.
const MIN_CONTEXT_WORD = 4;

let commonPasswords: ReadonlySet<string> | undefined;

/**
 * The shipped blocklist (data/common-passwords.txt, ~50,000 entries), read on first use and
 * kept. Call it at boot to keep the load (tens of milliseconds) off the first registration.
 */
export function loadCommonPasswords(): ReadonlySet<string> {
  if (!commonPasswords) {
    const text = readFileSync(new URL('./data/common-passwords.txt', import.meta.url), 'utf8');
    const entries = new Set<string>();
    for (const line of text.split('\n')) {
      const entry = foldCase(line.replace(/\r$/, ''));
      if (entry) entries.add(entry);
    }
    commonPasswords = entries;
  }
  return commonPasswords;
}

function foldCase(value: string): string {
  return value.normalize('NFKC').toLowerCase();
}

/** Letters and digits only, case-folded: "John.Smith" and "john_smith" both give "johnsmith". */
function squash(value: string): string {
  return foldCase(value).replace(/[^\p{L}\p{N}]/gu, '');
}

function codePointLength(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** Whether `plain` is on the blocklist, compared case-insensitively after NFKC. */
export function isCommonPassword(plain: string): boolean {
  return loadCommonPasswords().has(foldCase(plain));
}

/**
 * "aaaaaaaaaaaa", "abcabcabcabc", "123412341234" (a unit of up to 4 code points repeated) and
 * straight runs such as "123456789012" or "zyxwvutsrqpo": the "repetitive or sequential
 * characters" NIST names beside breached passwords. Digits wrap 9 -> 0.
 */
export function isTrivialPattern(plain: string): boolean {
  const chars = [...foldCase(plain)];
  if (chars.length < 2) return true;
  for (let unit = 1; unit <= 4 && unit < chars.length; unit++) {
    if (chars.every((c, i) => i < unit || c === chars[i - unit])) return true;
  }
  const step = (from: string, to: string): number => {
    const a = from.codePointAt(0) ?? 0;
    const b = to.codePointAt(0) ?? 0;
    const isDigit = (c: number) => c >= 48 && c <= 57;
    if (isDigit(a) && isDigit(b)) return ((b - a + 15) % 10) - 5; // 9 -> 0 is +1, 0 -> 9 is -1
    return b - a;
  };
  const first = step(chars[0] ?? '', chars[1] ?? '');
  if (first !== 1 && first !== -1) return false;
  return chars.every((c, i) => i === 0 || step(chars[i - 1] ?? '', c) === first);
}

function containsContextWord(squashedPassword: string, word: string | undefined): boolean {
  if (!word) return false;
  const squashed = squash(word);
  return codePointLength(squashed) >= MIN_CONTEXT_WORD && squashedPassword.includes(squashed);
}

/**
 * Checks a new password. `email` refuses passwords containing the address's local part,
 * `tenantName` those containing the organisation's name (both compared on letters and digits,
 * case-insensitively). Returns the first violation in the order of the reasons' type.
 */
export function checkPasswordPolicy(
  plain: string,
  context: PasswordContext = {},
): PasswordPolicyResult {
  if (plain.length > MAX_RAW_LENGTH) return { ok: false, reason: 'too_long' };
  const length = codePointLength(plain.normalize('NFKC'));
  if (length < PASSWORD_MIN_LENGTH) return { ok: false, reason: 'too_short' };
  if (length > PASSWORD_MAX_LENGTH) return { ok: false, reason: 'too_long' };
  if (isCommonPassword(plain) || isTrivialPattern(plain)) return { ok: false, reason: 'common' };

  const squashed = squash(plain);
  const localPart = context.email?.slice(0, Math.max(0, context.email.lastIndexOf('@')));
  if (containsContextWord(squashed, localPart || context.email)) {
    return { ok: false, reason: 'contains_email' };
  }
  if (containsContextWord(squashed, context.tenantName)) {
    return { ok: false, reason: 'contains_tenant_name' };
  }
  return { ok: true };
}
