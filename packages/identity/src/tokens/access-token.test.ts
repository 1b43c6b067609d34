import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken, verifyAccessToken } from './access-token.ts';
import { InvalidTokenError } from './errors.ts';
import { generateSigningKey, type SigningKey } from './signing-keys.ts';
import {
  AUDIENCE,
  at,
  DAY,
  epoch,
  forgeEs256,
  MINUTE,
  SUBJECT,
  signingKeyAt,
  T0,
  TENANT_A,
  validHeader,
  validPayload,
} from './test-fixtures.ts';

let key: SigningKey;
beforeAll(async () => {
  key = await signingKeyAt(T0);
});

const signA = (overrides: Partial<Parameters<typeof signAccessToken>[0]> = {}) =>
  signAccessToken({
    key,
    issuer: TENANT_A.issuer,
    audience: AUDIENCE,
    subject: SUBJECT,
    tenantId: TENANT_A.id,
    scopes: ['projects:read', 'members:manage'],
    now: T0,
    ...overrides,
  });

const verifyA = (token: string, now: Date = T0) =>
  verifyAccessToken(token, {
    keys: [key],
    issuer: TENANT_A.issuer,
    audience: AUDIENCE,
    tenantId: TENANT_A.id,
    now,
  });

describe('signAccessToken', () => {
  it('writes the RFC 9068 header and the tenant claims, for 10 minutes by default', async () => {
    const token = await signA();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' });
    const claims = decodeJwt(token);
    expect(claims).toEqual({
      iss: TENANT_A.issuer,
      aud: AUDIENCE,
      sub: SUBJECT,
      tid: TENANT_A.id,
      scope: 'projects:read members:manage',
      iat: epoch(T0),
      nbf: epoch(T0),
      exp: epoch(T0) + 600,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('gives every token its own jti', async () => {
    const [one, two] = await Promise.all([signA(), signA()]);
    expect(decodeJwt(one).jti).not.toBe(decodeJwt(two).jti);
  });

  it('honours lifetimeSeconds, clientId and de-duplicates scopes', async () => {
    const token = await signA({
      lifetimeSeconds: 60,
      clientId: 'client:0195a3c4-0000-7000-8000-00000000cc01',
      scopes: ['a', 'b', 'a'],
    });
    const claims = decodeJwt(token);
    expect(claims.exp).toBe(epoch(T0) + 60);
    expect(claims.scope).toBe('a b');
    expect(claims.client_id).toBe('client:0195a3c4-0000-7000-8000-00000000cc01');
  });

  it('leaves scope out when there are no scopes, and reads that back as none', async () => {
    const token = await signA({ scopes: [] });
    expect(decodeJwt(token)).not.toHaveProperty('scope');
    expect((await verifyA(token)).scopes).toEqual([]);
  });

  it('refuses an issuer that is not exactly an origin, so no verifier could match it', async () => {
    await expect(signA({ issuer: 'https://acme.tenantkit.localhost/' })).rejects.toThrow(/origin/);
    await expect(signA({ issuer: 'acme.tenantkit.localhost' })).rejects.toThrow(TypeError);
  });

  it('refuses scopes that would split or smuggle (space, quote, backslash, empty)', async () => {
    for (const scope of ['a b', 'a"', 'a\\b', '', 'é']) {
      await expect(signA({ scopes: [scope] })).rejects.toThrow(/scope/);
    }
  });

  it('refuses a key outside its signing window', async () => {
    const upcoming = await generateSigningKey({
      now: T0,
      activationDelayMs: DAY,
      signingLifetimeMs: DAY,
      tokenLifetimeMs: 10 * MINUTE,
    });
    await expect(signA({ key: upcoming, now: at(DAY - 1) })).rejects.toThrow(/may not sign/);
    await expect(signA({ key: upcoming, now: at(2 * DAY) })).rejects.toThrow(/may not sign/);
    await expect(signA({ key: upcoming, now: at(DAY) })).resolves.toBeTypeOf('string');
  });

  it('refuses a lifetime longer than the key will stay verifiable for', async () => {
    await expect(signA({ lifetimeSeconds: 3600 })).rejects.toThrow(/lifetimeSeconds/);
    await expect(signA({ lifetimeSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(signA({ lifetimeSeconds: 1.5 })).rejects.toThrow(RangeError);
  });
});

describe('verifyAccessToken', () => {
  it('returns the claims of a token it signed', async () => {
    const token = await signA({ clientId: 'client:web' });
    const verified = await verifyA(token, at(5 * MINUTE));
    expect(verified).toEqual({
      subject: SUBJECT,
      tenantId: TENANT_A.id,
      scopes: ['projects:read', 'members:manage'],
      expiresAt: at(10 * MINUTE),
      jti: decodeJwt(token).jti,
      clientId: 'client:web',
    });
  });

  it('reads a token without scope as having none', async () => {
    const { scope: _scope, ...payload } = validPayload();
    const token = await forgeEs256(validHeader(key), payload, key.privateJwk);
    expect((await verifyA(token)).scopes).toEqual([]);
  });

  it('accepts the media-type spelling application/at+jwt (RFC 9068 §4)', async () => {
    const header = { ...validHeader(key), typ: 'application/at+jwt' };
    const token = await forgeEs256(header, validPayload(), key.privateJwk);
    await expect(verifyA(token)).resolves.toMatchObject({ subject: SUBJECT });
  });

  it('throws an error the HTTP layer maps to 401 without naming what was expected', async () => {
    const token = await signA();
    const err = await verifyAccessToken(token, {
      keys: [key],
      issuer: 'https://other.tenantkit.localhost',
      audience: AUDIENCE,
      tenantId: TENANT_A.id,
      now: T0,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidTokenError);
    expect(err).toMatchObject({
      reason: 'issuer',
      problemKind: 'unauthorized',
      problemSlug: 'invalid-token',
      message: 'The access token is invalid.',
    });
    expect((err as Error).message).not.toContain('other');
  });

  it('refuses to run with an empty expectation instead of skipping that check', async () => {
    const token = await signA();
    const base = {
      keys: [key],
      issuer: TENANT_A.issuer,
      audience: AUDIENCE,
      tenantId: TENANT_A.id,
    };
    for (const blank of ['issuer', 'audience', 'tenantId'] as const) {
      await expect(verifyAccessToken(token, { ...base, [blank]: '', now: T0 })).rejects.toThrow(
        TypeError,
      );
    }
  });
});
