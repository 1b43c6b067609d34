/**
 * Key rotation seen from a token: one tenant, the default-shaped policy, the rotation job's
 * plan applied the way a store would apply it.
 */
import { decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken, verifyAccessToken } from './access-token.ts';
import { InvalidTokenError } from './errors.ts';
import {
  activeSigningKey,
  generateSigningKey,
  jwks,
  planRotation,
  type RotationPolicy,
  type SigningKey,
  verificationKeys,
} from './signing-keys.ts';
import { AUDIENCE, at, DAY, MINUTE, SUBJECT, T0, TENANT_A } from './test-fixtures.ts';

const policy: RotationPolicy = {
  activationDelayMs: DAY,
  signingLifetimeMs: 30 * DAY,
  tokenLifetimeMs: 10 * MINUTE,
  clockSkewMs: MINUTE,
  rotateBeforeMs: 2 * DAY,
};

/** Runs the rotation job at `now` against `keys` and returns the new key set. */
const rotate = async (keys: SigningKey[], now: Date): Promise<SigningKey[]> => {
  const plan = planRotation(keys, now, policy);
  const kept = keys.filter((key) => !plan.delete.includes(key.kid));
  return plan.create ? [...kept, await generateSigningKey(plan.create)] : kept;
};

const sign = (key: SigningKey, now: Date) =>
  signAccessToken({
    key,
    issuer: TENANT_A.issuer,
    audience: AUDIENCE,
    subject: SUBJECT,
    tenantId: TENANT_A.id,
    scopes: ['projects:read'],
    now,
  });

/** Verifies the way the api will: with the keys published at `now`. */
const verify = (token: string, keys: SigningKey[], now: Date, clockToleranceSeconds = 30) =>
  verifyAccessToken(token, {
    keys: verificationKeys(keys, now),
    issuer: TENANT_A.issuer,
    audience: AUDIENCE,
    tenantId: TENANT_A.id,
    now,
    clockToleranceSeconds,
  });

const kids = (keys: SigningKey[], now: Date) => jwks(keys, now).keys.map((key) => key.kid);

let keys: SigningKey[];
let oldKey: SigningKey;
let newKey: SigningKey;
const rotationAt = at(28 * DAY); // the old key has rotateBefore (2 days) left
const switchAt = at(29 * DAY); // rotationAt + activationDelay

beforeAll(async () => {
  const bootstrapped = await rotate([], T0);
  const rotated = await rotate(bootstrapped, rotationAt);
  [oldKey, newKey] = rotated as [SigningKey, SigningKey];
  keys = rotated;
});

describe('rotation', () => {
  it('the job created exactly one successor, at the rotation point', () => {
    expect(keys).toHaveLength(2);
    expect(oldKey.activatesAt).toEqual(T0);
    expect(newKey.createdAt).toEqual(rotationAt);
    expect(newKey.activatesAt).toEqual(switchAt);
  });

  it('publishes the upcoming key in the JWKS a full day before it signs', () => {
    expect(kids(keys, at(-1, rotationAt))).toEqual([oldKey.kid]);
    expect(kids(keys, rotationAt)).toEqual([newKey.kid, oldKey.kid]);
    expect(activeSigningKey(keys, rotationAt)?.kid).toBe(oldKey.kid);
    expect(activeSigningKey(keys, at(-1, switchAt))?.kid).toBe(oldKey.kid);
  });

  it('switches signing to the new key at its activatesAt', async () => {
    const signer = activeSigningKey(keys, switchAt);
    expect(signer?.kid).toBe(newKey.kid);
    if (!signer) return;
    const token = await sign(signer, switchAt);
    expect(decodeProtectedHeader(token).kid).toBe(newKey.kid);
    // A verifier whose JWKS cache is a day old (fetched at rotationAt) already has this key.
    const cachedJwksKids = kids(keys, rotationAt);
    expect(cachedJwksKids).toContain(newKey.kid);
    await expect(verify(token, keys, at(MINUTE, switchAt))).resolves.toMatchObject({
      subject: SUBJECT,
    });
  });

  it('keeps verifying a token from the old key during the overlap', async () => {
    const lastOldSignature = at(-1000, switchAt);
    const token = await sign(oldKey, lastOldSignature);
    await expect(verify(token, keys, at(5 * MINUTE, switchAt))).resolves.toBeDefined();
  });

  it('keeps a retired key until its last possible token expired, then drops it', async () => {
    // The latest token the old key can sign: one second before it retires.
    const token = await sign(oldKey, at(-1000, oldKey.retiresAt));
    const lastValid = at(10 * MINUTE + 29_000 - 1000, oldKey.retiresAt);
    expect(lastValid < oldKey.expiresAt).toBe(true);
    await expect(verify(token, keys, lastValid)).resolves.toBeDefined();

    expect(kids(keys, at(-1, oldKey.expiresAt))).toContain(oldKey.kid);
    expect(kids(keys, oldKey.expiresAt)).toEqual([newKey.kid]);
    // Past expiresAt the key is gone, whatever clock tolerance the verifier grants.
    const err = await verify(token, keys, oldKey.expiresAt, 3600).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidTokenError);
    expect((err as InvalidTokenError).reason).toBe('kid');
  });

  it('deletes the old key at its expiresAt and not before', async () => {
    expect(planRotation(keys, at(-1, oldKey.expiresAt), policy).delete).toEqual([]);
    const after = await rotate(keys, oldKey.expiresAt);
    expect(after.map((key) => key.kid)).toEqual([newKey.kid]);
  });
});
