import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  activeSigningKey,
  DEFAULT_ROTATION_POLICY,
  generateSigningKey,
  jwks,
  planRotation,
  type RotationPolicy,
  type SigningKey,
  verificationKeys,
} from './signing-keys.ts';
import { at, DAY, HOUR, MINUTE, T0 } from './test-fixtures.ts';

const schedule = {
  activationDelayMs: DAY,
  signingLifetimeMs: 30 * DAY,
  tokenLifetimeMs: 10 * MINUTE,
  clockSkewMs: MINUTE,
};

/** A key with only the schedule filled in, for the pure selection functions. */
const fakeKey = (kid: string, createdAt: Date, activatesAt: Date, retiresAt: Date): SigningKey => ({
  kid,
  alg: 'ES256',
  privateJwk: {},
  publicJwk: { kty: 'EC', crv: 'P-256', x: `x-${kid}`, y: `y-${kid}` },
  createdAt,
  activatesAt,
  retiresAt,
  expiresAt: at(11 * MINUTE, retiresAt),
});

describe('generateSigningKey', () => {
  it('uses the RFC 7638 thumbprint of the public key as kid', async () => {
    const key = await generateSigningKey({ now: T0, ...schedule });
    const { kty, crv, x, y } = key.publicJwk;
    expect(key.kid).toBe(await calculateJwkThumbprint({ kty, crv, x, y }, 'sha256'));
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key.alg).toBe('ES256');
  });

  it('derives the schedule: published now, signs after the delay, verifies after', async () => {
    const key = await generateSigningKey({ now: T0, ...schedule });
    expect(key.createdAt).toEqual(T0);
    expect(key.activatesAt).toEqual(at(DAY));
    expect(key.retiresAt).toEqual(at(31 * DAY));
    expect(key.expiresAt).toEqual(at(31 * DAY + 10 * MINUTE + MINUTE));
  });

  it('keeps d in the private JWK only, and makes a fresh pair each time', async () => {
    const [one, two] = await Promise.all([
      generateSigningKey({ now: T0, ...schedule }),
      generateSigningKey({ now: T0, ...schedule }),
    ]);
    expect(one.privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: one.kid });
    expect(typeof one.privateJwk.d).toBe('string');
    expect(one.publicJwk).not.toHaveProperty('d');
    expect(one.publicJwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: one.privateJwk.x,
      y: one.privateJwk.y,
      kid: one.kid,
      alg: 'ES256',
      use: 'sig',
    });
    expect(two.kid).not.toBe(one.kid);
  });

  it('rejects nonsense durations', async () => {
    await expect(
      generateSigningKey({ now: T0, ...schedule, signingLifetimeMs: 0 }),
    ).rejects.toThrow(RangeError);
    await expect(
      generateSigningKey({ now: T0, ...schedule, activationDelayMs: -1 }),
    ).rejects.toThrow(RangeError);
    await expect(generateSigningKey({ now: new Date(Number.NaN), ...schedule })).rejects.toThrow(
      RangeError,
    );
  });
});

describe('activeSigningKey', () => {
  const old = fakeKey('old', T0, T0, at(30 * DAY));
  const next = fakeKey('next', at(28 * DAY), at(29 * DAY), at(59 * DAY));

  it('is undefined before the first key activates and after the last retires', () => {
    const pending = fakeKey('pending', T0, at(DAY), at(2 * DAY));
    expect(activeSigningKey([pending], at(DAY - 1))).toBeUndefined();
    expect(activeSigningKey([pending], at(DAY))?.kid).toBe('pending');
    expect(activeSigningKey([pending], at(2 * DAY))).toBeUndefined();
  });

  it('switches to the newer key exactly at its activatesAt, whatever the input order', () => {
    for (const keys of [
      [old, next],
      [next, old],
    ]) {
      expect(activeSigningKey(keys, at(29 * DAY - 1))?.kid).toBe('old');
      expect(activeSigningKey(keys, at(29 * DAY))?.kid).toBe('next');
      expect(activeSigningKey(keys, at(30 * DAY + 1))?.kid).toBe('next');
    }
  });
});

describe('verificationKeys', () => {
  it('holds published keys only: upcoming and retired-but-unexpired in, expired out', () => {
    const old = fakeKey('old', T0, T0, at(30 * DAY));
    const next = fakeKey('next', at(28 * DAY), at(29 * DAY), at(59 * DAY));
    const kids = (now: Date) => verificationKeys([old, next], now).map((key) => key.kid);
    expect(kids(at(28 * DAY - 1))).toEqual(['old']);
    expect(kids(at(28 * DAY))).toEqual(['next', 'old']);
    expect(kids(at(30 * DAY + 10 * MINUTE))).toEqual(['next', 'old']);
    expect(kids(old.expiresAt)).toEqual(['next']);
  });
});

describe('jwks', () => {
  it('publishes kid, alg and use with the public point, and never d', async () => {
    const key = await generateSigningKey({ now: T0, ...schedule });
    const body = jwks([key], T0);
    expect(body).toEqual({
      keys: [
        {
          kty: 'EC',
          crv: 'P-256',
          x: key.publicJwk.x,
          y: key.publicJwk.y,
          kid: key.kid,
          alg: 'ES256',
          use: 'sig',
        },
      ],
    });
    expect(JSON.stringify(body)).not.toContain(String(key.privateJwk.d));
    expect(body.keys[0]).not.toHaveProperty('d');
  });

  it('drops private and unknown members even if the stored publicJwk has them', async () => {
    const key = await generateSigningKey({ now: T0, ...schedule });
    const polluted = { ...key, publicJwk: { ...key.privateJwk, key_ops: ['sign'], vendor: 1 } };
    const [published] = jwks([polluted], T0).keys;
    expect(Object.keys(published ?? {}).sort()).toEqual([
      'alg',
      'crv',
      'kid',
      'kty',
      'use',
      'x',
      'y',
    ]);
    expect(JSON.stringify(published)).not.toContain(String(key.privateJwk.d));
  });

  it('refuses a key that is not EC P-256 rather than publish it', () => {
    const rsa = {
      ...fakeKey('rsa', T0, T0, at(DAY)),
      publicJwk: { kty: 'RSA', n: 'n', e: 'AQAB' },
    };
    expect(() => jwks([rsa], T0)).toThrow(TypeError);
  });
});

describe('planRotation', () => {
  const policy: RotationPolicy = { ...schedule, rotateBeforeMs: 2 * DAY };

  it('bootstraps an empty tenant with a key that signs immediately', () => {
    expect(planRotation([], T0, policy)).toEqual({
      create: {
        now: T0,
        activationDelayMs: 0,
        signingLifetimeMs: 30 * DAY,
        tokenLifetimeMs: 10 * MINUTE,
        clockSkewMs: MINUTE,
      },
      delete: [],
    });
  });

  it('does nothing while the active key has more than rotateBefore left', () => {
    const key = fakeKey('a', T0, T0, at(30 * DAY));
    expect(planRotation([key], at(28 * DAY - 1), policy)).toEqual({ create: null, delete: [] });
  });

  it('creates a successor, published a full activation delay early, once less is left', () => {
    const key = fakeKey('a', T0, T0, at(30 * DAY));
    const plan = planRotation([key], at(28 * DAY), policy);
    expect(plan.create).toMatchObject({ now: at(28 * DAY), activationDelayMs: DAY });
    expect(plan.delete).toEqual([]);
  });

  it('does not create a second successor while one is pending', () => {
    const key = fakeKey('a', T0, T0, at(30 * DAY));
    const successor = fakeKey('b', at(28 * DAY), at(29 * DAY), at(59 * DAY));
    expect(planRotation([key, successor], at(28 * DAY + HOUR), policy).create).toBeNull();
  });

  it('deletes keys exactly when they expire', () => {
    const old = fakeKey('old', T0, T0, at(30 * DAY));
    const current = fakeKey('cur', at(28 * DAY), at(29 * DAY), at(59 * DAY));
    expect(planRotation([old, current], new Date(old.expiresAt.getTime() - 1), policy)).toEqual({
      create: null,
      delete: [],
    });
    expect(planRotation([old, current], old.expiresAt, policy).delete).toEqual(['old']);
  });

  it('re-bootstraps with an immediate key when every key has retired', () => {
    const retired = fakeKey('gone', T0, T0, at(DAY));
    const plan = planRotation([retired], at(DAY + 5 * MINUTE), policy);
    expect(plan.create?.activationDelayMs).toBe(0);
    expect(plan.delete).toEqual([]);
  });

  it('rejects policies that would leave a signing gap or rotate on every run', () => {
    expect(() => planRotation([], T0, { ...policy, rotateBeforeMs: DAY })).toThrow(/gap/);
    expect(() => planRotation([], T0, { ...policy, rotateBeforeMs: 31 * DAY })).toThrow(/every/);
    expect(() => planRotation([], T0, DEFAULT_ROTATION_POLICY)).not.toThrow();
  });

  it('120 days of a job every 6 h: always a signer, announced a day ahead', async () => {
    let keys: SigningKey[] = [];
    let bootstrapKid: string | undefined;
    const kidsSeen = new Set<string>();
    for (let now = T0; now < at(120 * DAY); now = at(6 * HOUR, now)) {
      const plan = planRotation(keys, now, policy);
      keys = keys.filter((key) => !plan.delete.includes(key.kid));
      if (plan.create) {
        const created = await generateSigningKey(plan.create);
        bootstrapKid ??= created.kid;
        keys.push(created);
      }
      expect(planRotation(keys, now, policy)).toEqual({ create: null, delete: [] });

      const signer = activeSigningKey(keys, now);
      expect(signer).toBeDefined();
      if (!signer) continue;
      kidsSeen.add(signer.kid);
      if (signer.kid !== bootstrapKid) {
        // A verifier that fetched the JWKS a full activation delay ago already knows the signer.
        const oldJwks = jwks(keys, at(-policy.activationDelayMs, now));
        expect(oldJwks.keys.map((key) => key.kid)).toContain(signer.kid);
      }
      expect(keys.length).toBeLessThanOrEqual(2);
    }
    expect(kidsSeen.size).toBe(5);
  });
});
