/**
 * Tokens an attacker or a broken client would present. Each is refused with the reason that
 * names the check that caught it; the forged ones are otherwise valid (the first test proves
 * the forger makes acceptable tokens), so each case fails for the reason it names.
 */
import { createHmac } from 'node:crypto';
import { CompactSign, exportSPKI, importJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AccessTokenClaims,
  signAccessToken,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from './access-token.ts';
import { InvalidTokenError, type InvalidTokenReason } from './errors.ts';
import { publicMembers, type SigningKey } from './signing-keys.ts';
import {
  AUDIENCE,
  at,
  b64url,
  compact,
  DAY,
  epoch,
  forgeEs256,
  SUBJECT,
  signingKeyAt,
  T0,
  TENANT_A,
  TENANT_B,
  validHeader,
  validPayload,
} from './test-fixtures.ts';

let keyA: SigningKey;
let keyB: SigningKey;
let attacker: SigningKey;
let tokenA: string;

beforeAll(async () => {
  [keyA, keyB, attacker] = await Promise.all([signingKeyAt(), signingKeyAt(), signingKeyAt()]);
  tokenA = await signAccessToken({
    key: keyA,
    issuer: TENANT_A.issuer,
    audience: AUDIENCE,
    subject: SUBJECT,
    tenantId: TENANT_A.id,
    scopes: ['projects:read'],
    now: T0,
  });
});

const optionsA = (overrides: Partial<VerifyAccessTokenOptions> = {}): VerifyAccessTokenOptions => ({
  keys: [keyA],
  issuer: TENANT_A.issuer,
  audience: AUDIENCE,
  tenantId: TENANT_A.id,
  now: T0,
  ...overrides,
});

const verifyA = (token: string, overrides: Partial<VerifyAccessTokenOptions> = {}) =>
  verifyAccessToken(token, optionsA(overrides));

const expectRefused = async (
  pending: Promise<AccessTokenClaims>,
  reason: InvalidTokenReason,
): Promise<void> => {
  const err = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'token was accepted').toBeInstanceOf(InvalidTokenError);
  expect((err as InvalidTokenError).reason).toBe(reason);
};

const parts = (token: string): [string, string, string] => {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return [header, payload, signature];
};

it('forged tokens are accepted as such, so each refusal below means something', async () => {
  const token = await forgeEs256(validHeader(keyA), validPayload(), keyA.privateJwk);
  await expect(verifyA(token)).resolves.toMatchObject({ subject: SUBJECT });
  await expect(verifyA(tokenA)).resolves.toMatchObject({ tenantId: TENANT_A.id });
});

describe('algorithm pinning', () => {
  it.each(['none', 'None', 'NONE'])('refuses an unsigned alg:%s token', async (alg) => {
    const token = compact({ ...validHeader(keyA), alg }, validPayload());
    await expectRefused(verifyA(token), 'alg');
  });

  it('refuses HS256 keyed with the public key (alg confusion), in every encoding', async () => {
    const publicKey = await importJWK({ ...publicMembers(keyA.publicJwk) }, 'ES256');
    if (publicKey instanceof Uint8Array) throw new Error('unexpected symmetric key');
    const secrets = [
      JSON.stringify(keyA.publicJwk),
      JSON.stringify(publicMembers(keyA.publicJwk)),
      await exportSPKI(publicKey),
      Buffer.concat([
        Buffer.from([4]),
        Buffer.from(String(keyA.publicJwk.x), 'base64url'),
        Buffer.from(String(keyA.publicJwk.y), 'base64url'),
      ]),
    ];
    for (const secret of secrets) {
      const unsigned = compact({ ...validHeader(keyA), alg: 'HS256' }, validPayload());
      const signingInput = unsigned.slice(0, -1);
      const mac = createHmac('sha256', secret).update(signingInput).digest('base64url');
      await expectRefused(verifyA(`${signingInput}.${mac}`), 'alg');
    }
  });

  it('refuses any other algorithm, asymmetric too (ES384 with our kid)', async () => {
    const token = compact({ ...validHeader(keyA), alg: 'ES384' }, validPayload(), b64url('sig'));
    await expectRefused(verifyA(token), 'alg');
  });
});

describe('key pinning', () => {
  it("refuses another tenant's token: its kid is not in this tenant's set", async () => {
    const tokenB = await signAccessToken({
      key: keyB,
      issuer: TENANT_B.issuer,
      audience: AUDIENCE,
      subject: SUBJECT,
      tenantId: TENANT_B.id,
      scopes: ['projects:read'],
      now: T0,
    });
    await expectRefused(verifyA(tokenB), 'kid');
  });

  it("refuses a token signed by another tenant's key that claims our kid", async () => {
    const token = await forgeEs256(validHeader(keyA), validPayload(), keyB.privateJwk);
    await expectRefused(verifyA(token), 'signature');
  });

  it('ignores an embedded jwk header: attacker key with its own kid, ours, or none', async () => {
    const jwk = publicMembers(attacker.publicJwk);
    const ownKid = { ...validHeader(attacker), jwk };
    const ourKid: Record<string, unknown> = { ...validHeader(keyA), jwk };
    const { kid: _kid, ...noKid } = ourKid;
    await expectRefused(
      verifyA(await forgeEs256(ownKid, validPayload(), attacker.privateJwk)),
      'kid',
    );
    await expectRefused(
      verifyA(await forgeEs256(ourKid, validPayload(), attacker.privateJwk)),
      'signature',
    );
    await expectRefused(
      verifyA(await forgeEs256(noKid, validPayload(), attacker.privateJwk)),
      'kid',
    );
  });

  it('never follows jku or x5u to the attacker', async () => {
    const header = {
      ...validHeader(attacker),
      jku: 'https://attacker.example/jwks.json',
      x5u: 'https://attacker.example/cert.pem',
    };
    await expectRefused(
      verifyA(await forgeEs256(header, validPayload(), attacker.privateJwk)),
      'kid',
    );
  });

  it('refuses a key past its expiresAt even when the caller passes it in', async () => {
    const payload = { ...validPayload(keyA.expiresAt), exp: epoch(keyA.expiresAt) + 600 };
    const token = await forgeEs256(validHeader(keyA), payload, keyA.privateJwk);
    await expectRefused(verifyA(token, { now: keyA.expiresAt }), 'kid');
  });
});

describe('time', () => {
  const tenMinutes = 600_000;

  it('refuses a token expired beyond the tolerance and accepts one within it', async () => {
    await expect(verifyA(tokenA, { now: at(tenMinutes + 29_000) })).resolves.toBeDefined();
    await expectRefused(verifyA(tokenA, { now: at(tenMinutes + 30_000) }), 'expired');
    await expectRefused(
      verifyA(tokenA, { now: at(tenMinutes), clockToleranceSeconds: 0 }),
      'expired',
    );
  });

  it('says "expired" to the caller, so a client knows to refresh', async () => {
    const err = await verifyA(tokenA, { now: at(DAY) }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('The access token has expired.');
  });

  it('refuses nbf in the future beyond the tolerance, accepts it within', async () => {
    const soon = { ...validPayload(), nbf: epoch(T0) + 29 };
    const later = { ...validPayload(), nbf: epoch(T0) + 31 };
    await expect(
      verifyA(await forgeEs256(validHeader(keyA), soon, keyA.privateJwk)),
    ).resolves.toBeDefined();
    await expectRefused(
      verifyA(await forgeEs256(validHeader(keyA), later, keyA.privateJwk)),
      'not_yet_valid',
    );
  });

  it('refuses iat in the future even without nbf', async () => {
    const future: Record<string, unknown> = { ...validPayload(), iat: epoch(T0) + 3600 };
    const { nbf: _nbf, ...payload } = future;
    const token = await forgeEs256(validHeader(keyA), payload, keyA.privateJwk);
    await expectRefused(verifyA(token), 'not_yet_valid');
  });
});

describe('issuer, audience and tenant pinning', () => {
  it('refuses a wrong iss, including a trailing-slash spelling of ours', async () => {
    await expectRefused(verifyA(tokenA, { issuer: 'https://evil.tenantkit.localhost' }), 'issuer');
    await expectRefused(verifyA(tokenA, { issuer: `${TENANT_A.issuer}/` }), 'issuer');
  });

  it('refuses a wrong aud', async () => {
    await expectRefused(verifyA(tokenA, { audience: 'tenantkit-ops' }), 'audience');
    const payload = { ...validPayload(), aud: ['other-api'] };
    await expectRefused(
      verifyA(await forgeEs256(validHeader(keyA), payload, keyA.privateJwk)),
      'audience',
    );
  });

  it("refuses tenant A's token at tenant B, whichever keys B's verifier was handed", async () => {
    const atB = { issuer: TENANT_B.issuer, tenantId: TENANT_B.id };
    await expectRefused(verifyA(tokenA, { ...atB, keys: [keyB] }), 'kid');
    // Even if B's verifier were wrongly given A's keys (or tenants shared one), iss pins it.
    await expectRefused(verifyA(tokenA, { ...atB, keys: [keyA, keyB] }), 'issuer');
  });

  it('refuses a tid for another tenant under our own issuer', async () => {
    const payload = { ...validPayload(), tid: TENANT_B.id };
    const token = await forgeEs256(validHeader(keyA), payload, keyA.privateJwk);
    await expectRefused(verifyA(token), 'tenant');
  });
});

describe('typ', () => {
  it.each([
    ['missing', undefined],
    ['JWT', 'JWT'],
    ['id_token-style', 'id+jwt'],
    ['non-string', 1],
  ])('refuses typ %s', async (_label, typ) => {
    const header = { ...validHeader(keyA), typ };
    const token = await forgeEs256(header, validPayload(), keyA.privateJwk);
    await expectRefused(verifyA(token), 'typ');
  });
});

describe('tampering and garbage', () => {
  it('refuses a tampered payload (scope escalated) with the original signature', async () => {
    const [header, payload, signature] = parts(tokenA);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const escalated = b64url(JSON.stringify({ ...claims, scope: 'members:manage owner' }));
    await expectRefused(verifyA(`${header}.${escalated}.${signature}`), 'signature');
  });

  it('refuses a tampered header (kid swapped to another trusted key)', async () => {
    const [, payload, signature] = parts(tokenA);
    const header = b64url(JSON.stringify(validHeader(keyB)));
    await expectRefused(
      verifyA(`${header}.${payload}.${signature}`, { keys: [keyA, keyB] }),
      'signature',
    );
  });

  it('refuses a truncated token', async () => {
    const [header, payload, signature] = parts(tokenA);
    await expectRefused(verifyA(`${header}.${payload}`), 'malformed');
    await expectRefused(verifyA(`${header}.${payload}.`), 'signature');
    await expectRefused(verifyA(`${header}.${payload}.${signature.slice(0, -4)}`), 'signature');
    await expectRefused(verifyA(tokenA.slice(0, 20)), 'malformed');
  });

  it.each([
    ['empty', ''],
    ['a word', 'garbage'],
    ['dots', '...'],
    ['three junk parts', 'a.b.c'],
    ['non-base64 header', '!!!.e30.sig'],
    ['JSON array header', `${b64url('[]')}.${b64url('{}')}.c2ln`],
    ['oversized', `${'a'.repeat(9000)}.b.c`],
  ])('refuses garbage: %s', async (_label, token) => {
    await expectRefused(verifyA(token), 'malformed');
  });

  it('refuses a non-string token from a careless caller', async () => {
    await expectRefused(verifyA(undefined as unknown as string), 'malformed');
  });

  it('refuses a signed payload that is not a JSON object', async () => {
    const token = await forgeEs256(validHeader(keyA), ['not', 'claims'], keyA.privateJwk);
    await expectRefused(verifyA(token), 'malformed');
  });

  it.each(['sub', 'tid', 'exp', 'iat', 'jti', 'iss', 'aud'])(
    'refuses a signed token without %s',
    async (claim) => {
      const { [claim]: _dropped, ...payload } = validPayload();
      const token = await forgeEs256(validHeader(keyA), payload, keyA.privateJwk);
      await expectRefused(verifyA(token), 'malformed');
    },
  );

  it.each([
    ['tid', 42],
    ['sub', ''],
    ['scope', ['projects:read']],
    ['exp', '9999999999'],
    ['client_id', {}],
  ])('refuses a signed token whose %s has the wrong type', async (claim, value) => {
    const payload = { ...validPayload(), [claim]: value };
    const token = await forgeEs256(validHeader(keyA), payload, keyA.privateJwk);
    await expectRefused(verifyA(token), 'malformed');
  });

  it('refuses a critical header extension it does not understand', async () => {
    const header = { ...validHeader(keyA), alg: 'ES256', crit: ['tenantkit-x'], 'tenantkit-x': 1 };
    const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(validPayload())))
      .setProtectedHeader(header)
      .sign({ ...keyA.privateJwk }, { crit: { 'tenantkit-x': true } });
    await expectRefused(verifyA(token), 'malformed');
  });
});
