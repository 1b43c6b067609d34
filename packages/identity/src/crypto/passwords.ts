/**
 * Password hashing with argon2id at the OWASP parameters, and the "needs rehash" signal that
 * lets a login upgrade a hash made with older parameters while the plaintext is at hand.
 *
 * Passwords are NFKC-normalised before hashing and verifying (NIST SP 800-63B 5.1.1.2), so the
 * same password typed as composed or decomposed Unicode matches. Changing the normalisation
 * would lock out users, so it is part of the hash format here.
 *
 * @example
 * ```ts
 * const stored = await hashPassword(plain);
 * const user = await findUser(email);
 * const { valid, needsRehash } = user
 *   ? await verifyPassword(user.passwordHash, plain)
 *   : await dummyPasswordVerify(plain); // same cost, so timing does not reveal the account
 * if (valid && needsRehash) await saveHash(user.id, await hashPassword(plain));
 * ```
 */
import { type Algorithm, hash, verify } from '@node-rs/argon2';

export interface PasswordParams {
  /** KiB of memory. */
  readonly memoryCost: number;
  /** Passes over the memory. */
  readonly timeCost: number;
  /** Lanes. */
  readonly parallelism: number;
}

/** OWASP Password Storage Cheat Sheet, argon2id option 2: 19 MiB, 2 passes, 1 lane. */
export const PASSWORD_PARAMS: PasswordParams = Object.freeze({
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

export interface PasswordVerification {
  valid: boolean;
  /** True only for a valid password whose hash used other parameters than `PASSWORD_PARAMS`. */
  needsRehash: boolean;
}

// `Algorithm` is an ambient const enum, which isolatedModules cannot read; 2 is Argon2id.
const ARGON2ID: Algorithm = 2;
const ARGON2_VERSION = 19;

export interface Argon2HashParams {
  algorithm: 'argon2id' | 'argon2i' | 'argon2d';
  version: number;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

const PHC_ARGON2 =
  /^\$(argon2id|argon2i|argon2d)\$v=(\d{1,3})\$m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/** Reads the parameters out of an argon2 PHC string; null for anything else. */
export function parseArgon2Hash(phc: string): Argon2HashParams | null {
  const match = PHC_ARGON2.exec(phc);
  if (!match) return null;
  const [, algorithm, version, m, t, p] = match;
  return {
    algorithm: algorithm as Argon2HashParams['algorithm'],
    version: Number(version),
    memoryCost: Number(m),
    timeCost: Number(t),
    parallelism: Number(p),
  };
}

/** Whether a hash made with `params` should be replaced by one made with `PASSWORD_PARAMS`. */
export function isOutdatedArgon2Hash(params: Argon2HashParams): boolean {
  return (
    params.algorithm !== 'argon2id' ||
    params.version !== ARGON2_VERSION ||
    params.memoryCost !== PASSWORD_PARAMS.memoryCost ||
    params.timeCost !== PASSWORD_PARAMS.timeCost ||
    params.parallelism !== PASSWORD_PARAMS.parallelism
  );
}

function normalize(plain: string): string {
  return plain.normalize('NFKC');
}

/**
 * Hashes `plain` with argon2id and `PASSWORD_PARAMS` (random 16-byte salt), returning the PHC
 * string `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`. `params` exists for tests and for
 * benchmarking new parameters; production callers leave it out.
 */
export function hashPassword(
  plain: string,
  params: PasswordParams = PASSWORD_PARAMS,
): Promise<string> {
  return hash(normalize(plain), { ...params, algorithm: ARGON2ID });
}

/**
 * Verifies `plain` against a stored PHC string. Throws if `storedHash` is not an argon2 PHC
 * string: that is corrupt data, not a wrong password, and should surface as an error.
 */
export async function verifyPassword(
  storedHash: string,
  plain: string,
): Promise<PasswordVerification> {
  const params = parseArgon2Hash(storedHash);
  if (!params) throw new Error('verifyPassword: stored hash is not an argon2 PHC string');
  const valid = await verify(storedHash, normalize(plain));
  return { valid, needsRehash: valid && isOutdatedArgon2Hash(params) };
}

/**
 * A hash of a random, discarded password made with `PASSWORD_PARAMS` (a test checks they
 * match). Kept as a constant so the first dummy verification costs the same as later ones.
 */
export const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$0FOK2O7VwfnC69HUV0iEvQ$Sok1WtPW7thTWS2BfFsRfV1YPiiy9ysWMHIWJw3qnGc';

/**
 * Runs one real argon2id verification against `DUMMY_PASSWORD_HASH` and reports failure.
 * Call it when the account does not exist, so a login for an unknown email takes as long as
 * one with a wrong password.
 */
export async function dummyPasswordVerify(plain = ''): Promise<PasswordVerification> {
  await verify(DUMMY_PASSWORD_HASH, normalize(plain));
  return { valid: false, needsRehash: false };
}
