import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Argon2HashParams,
  DUMMY_PASSWORD_HASH,
  dummyPasswordVerify,
  hashPassword,
  isOutdatedArgon2Hash,
  PASSWORD_PARAMS,
  parseArgon2Hash,
  verifyPassword,
} from './passwords.ts';

// Each argon2 call at the real parameters costs tens of milliseconds: hash once, reuse.
const PASSWORD = 'caf\u00e9 horse battery staple';
let stored: string;

beforeAll(async () => {
  stored = await hashPassword(PASSWORD);
});

describe('hashPassword / verifyPassword', () => {
  it('produces an argon2id PHC string with the OWASP parameters and a fresh salt', async () => {
    expect(PASSWORD_PARAMS).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$/);
  });

  it('accepts the right password and needs no rehash at the current parameters', async () => {
    await expect(verifyPassword(stored, PASSWORD)).resolves.toEqual({
      valid: true,
      needsRehash: false,
    });
  });

  it('refuses a wrong password', async () => {
    await expect(verifyPassword(stored, 'cafe horse battery staple')).resolves.toEqual({
      valid: false,
      needsRehash: false,
    });
  });

  it('matches the same password typed in another Unicode form (NFKC)', async () => {
    const decomposed = 'cafe\u0301 horse battery staple';
    expect(decomposed).not.toBe(PASSWORD);
    await expect(verifyPassword(stored, decomposed)).resolves.toMatchObject({ valid: true });
  });

  it('flags a valid hash made with other parameters for rehash, but not a wrong password', async () => {
    const weak = await hashPassword('an older password hash', {
      memoryCost: 1024,
      timeCost: 1,
      parallelism: 1,
    });
    expect(weak).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    await expect(verifyPassword(weak, 'an older password hash')).resolves.toEqual({
      valid: true,
      needsRehash: true,
    });
    await expect(verifyPassword(weak, 'not the password')).resolves.toEqual({
      valid: false,
      needsRehash: false,
    });
  });

  it('throws on a stored value that is not an argon2 hash (corrupt data is not a wrong password)', async () => {
    await expect(verifyPassword('$2b$12$abcdefghijklmnopqrstuv', 'x')).rejects.toThrow(/argon2/);
    await expect(verifyPassword('', 'x')).rejects.toThrow(/argon2/);
  });
});

describe('parseArgon2Hash / isOutdatedArgon2Hash', () => {
  const current: Argon2HashParams = {
    algorithm: 'argon2id',
    version: 19,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  };

  it('reads algorithm, version and m/t/p from a PHC string', () => {
    expect(parseArgon2Hash('$argon2i$v=16$m=4096,t=3,p=2$c2FsdHNhbHQ$aGFzaGhhc2g')).toEqual({
      algorithm: 'argon2i',
      version: 16,
      memoryCost: 4096,
      timeCost: 3,
      parallelism: 2,
    });
    expect(parseArgon2Hash('$argon2id$v=19$m=19456,t=2,p=1$c2FsdA')).toBeNull();
    expect(parseArgon2Hash('$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA')).toBeNull();
  });

  it('treats any difference from the current parameters as outdated', () => {
    expect(isOutdatedArgon2Hash(current)).toBe(false);
    expect(isOutdatedArgon2Hash({ ...current, algorithm: 'argon2i' })).toBe(true);
    expect(isOutdatedArgon2Hash({ ...current, version: 16 })).toBe(true);
    expect(isOutdatedArgon2Hash({ ...current, memoryCost: 65536 })).toBe(true);
    expect(isOutdatedArgon2Hash({ ...current, timeCost: 3 })).toBe(true);
    expect(isOutdatedArgon2Hash({ ...current, parallelism: 4 })).toBe(true);
  });
});

describe('dummyPasswordVerify', () => {
  it('uses a dummy hash made with the current parameters', () => {
    const params = parseArgon2Hash(DUMMY_PASSWORD_HASH);
    expect(params).not.toBeNull();
    expect(params && isOutdatedArgon2Hash(params)).toBe(false);
  });

  it('fails, and costs about as much as a real verification', async () => {
    // Interleaved, and the fastest of three each: load from other processes only adds time,
    // so the minimum is the cost of the work itself.
    const time = async (run: () => Promise<unknown>) => {
      const start = performance.now();
      await run();
      return performance.now() - start;
    };
    let real = Number.POSITIVE_INFINITY;
    let dummy = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3; i++) {
      real = Math.min(real, await time(() => verifyPassword(stored, 'wrong password attempt')));
      dummy = Math.min(dummy, await time(() => dummyPasswordVerify('wrong password attempt')));
    }
    await expect(dummyPasswordVerify(PASSWORD)).resolves.toEqual({
      valid: false,
      needsRehash: false,
    });
    // Generous bound: only has to catch a dummy that skips the argon2 work (~0 ms).
    expect(dummy).toBeGreaterThan(real * 0.4);
  });
});
