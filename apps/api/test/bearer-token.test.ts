// Attacks on Bearer access tokens at /v1: each forged token is otherwise genuine (signed with
// the tenant's real key, stolen from Postgres), so each refusal is for the claim it changes.
import { createHmac, createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, createApiFixture, expectProblem, type TestTenant } from './helpers.ts';
import {
  accessToken,
  b64url,
  bearerClient,
  type CreatedClientJson,
  createServiceClient,
  decodePart,
  forgeEs256,
  requestToken,
  stealSigningKey,
} from './machine-helpers.ts';

let fx: ApiFixture;
let acme: TestTenant;
let globex: TestTenant;
let acmeClient: CreatedClientJson;
let globexClient: CreatedClientJson;
let acmeToken: string;
let globexToken: string;

const ACME_ISSUER = 'http://acme.tenantkit.localhost';
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  fx = await createApiFixture();
  [acme, globex] = await Promise.all([
    fx.tenant('dedicated', 'acme'),
    fx.tenant('pooled', 'globex'),
  ]);
  acmeClient = await createServiceClient(acme.client, ['projects:read', 'projects:write']);
  globexClient = await createServiceClient(globex.client, ['projects:read']);
  acmeToken = await accessToken(fx.app, acme.host, { ...acmeClient, scope: 'projects:read' });
  globexToken = await accessToken(fx.app, globex.host, globexClient);
});

afterAll(async () => {
  await fx?.close();
});

/** The string with one character changed (to another of the same alphabet). */
const flipChar = (value: string, index: number) => {
  const at = index < 0 ? value.length + index : index;
  return `${value.slice(0, at)}${value[at] === 'b' ? 'c' : 'b'}${value.slice(at + 1)}`;
};

const onAcme = (token: string) => bearerClient(fx.app, acme.host, token);

/** The claims a genuine acme token has, for forging variants of it. */
function acmeClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ACME_ISSUER,
    aud: 'tenantkit-api',
    sub: acmeClient.clientId,
    client_id: acmeClient.clientId,
    tid: acme.record.id,
    scope: 'projects:read',
    iat: now(),
    nbf: now(),
    exp: now() + 600,
    jti: crypto.randomUUID(),
    ...overrides,
  };
}

async function expectInvalidToken(res: Response): Promise<Record<string, unknown>> {
  const problem = await expectProblem(res, 401, 'invalid-token');
  expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  return problem;
}

describe('Bearer access tokens on /v1', () => {
  it('authorise by scope: reads pass, writes outside the scope are 403, no CSRF check', async () => {
    expect((await onAcme(acmeToken).get('/v1/projects')).status).toBe(200);
    await expectProblem(
      await onAcme(acmeToken).post('/v1/projects', { name: 'nope' }),
      403,
      'permission-required',
    );
    const writer = await accessToken(fx.app, acme.host, acmeClient);
    // No Origin, no Sec-Fetch-Site: a bearer write is not a cross-site request.
    expect((await onAcme(writer).post('/v1/projects', { name: 'by a machine' })).status).toBe(201);
  });

  it('accepts a token forged with the real key and genuine claims (the forger is sound)', async () => {
    const key = await stealSigningKey(fx, acme.record);
    const token = forgeEs256(
      { alg: 'ES256', typ: 'at+jwt', kid: key.kid },
      acmeClaims(),
      key.privateJwk,
    );
    expect((await onAcme(token).get('/v1/projects')).status).toBe(200);
  });

  it('refuses alg:none', async () => {
    const payload = acmeToken.split('.')[1];
    const kid = decodePart(acmeToken, 0).kid;
    for (const alg of ['none', 'None']) {
      const none = `${b64url(JSON.stringify({ alg, typ: 'at+jwt', kid }))}.${payload}.`;
      await expectInvalidToken(await onAcme(none).get('/v1/projects'));
    }
  });

  it('refuses HS256 keyed with the public key', async () => {
    const key = await stealSigningKey(fx, acme.record);
    const { d: _d, ...publicJwk } = key.privateJwk;
    const pem = createPublicKey({ key: publicJwk as never, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });
    for (const secret of [String(pem), JSON.stringify(publicJwk)]) {
      const input = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: key.kid }))}.${b64url(JSON.stringify(acmeClaims()))}`;
      const mac = createHmac('sha256', secret).update(input).digest('base64url');
      await expectInvalidToken(await onAcme(`${input}.${mac}`).get('/v1/projects'));
    }
  });

  it('refuses expired and not-yet-valid tokens (beyond a small tolerance)', async () => {
    const key = await stealSigningKey(fx, acme.record);
    const header = { alg: 'ES256', typ: 'at+jwt', kid: key.kid };
    const expired = forgeEs256(
      header,
      acmeClaims({ iat: now() - 1200, nbf: now() - 1200, exp: now() - 120 }),
      key.privateJwk,
    );
    const problem = await expectInvalidToken(await onAcme(expired).get('/v1/projects'));
    expect(problem.detail).toBe('The access token has expired.');
    const early = forgeEs256(
      header,
      acmeClaims({ nbf: now() + 300, exp: now() + 900 }),
      key.privateJwk,
    );
    await expectInvalidToken(await onAcme(early).get('/v1/projects'));
  });

  it('refuses a wrong iss, a wrong aud, or a tid of another tenant, even when signed by acme', async () => {
    const key = await stealSigningKey(fx, acme.record);
    const header = { alg: 'ES256', typ: 'at+jwt', kid: key.kid };
    for (const overrides of [
      { iss: 'http://globex.tenantkit.localhost' },
      { iss: 'https://acme.tenantkit.localhost' },
      { iss: `${ACME_ISSUER}/` },
      { aud: 'tenantkit-ops' },
      { aud: ['other-api'] },
      { tid: globex.record.id },
    ]) {
      const token = forgeEs256(header, acmeClaims(overrides), key.privateJwk);
      await expectInvalidToken(await onAcme(token).get('/v1/projects'));
    }
  });

  it("refuses tenant A's token on tenant B's host, and B's kid in a token for A", async () => {
    await expectInvalidToken(
      await bearerClient(fx.app, globex.host, acmeToken).get('/v1/projects'),
    );
    await expectInvalidToken(await onAcme(globexToken).get('/v1/projects'));
    // Signed by globex's key but claiming acme in every claim: globex's kid is not acme's.
    const globexKey = await stealSigningKey(fx, globex.record);
    const crossKid = forgeEs256(
      { alg: 'ES256', typ: 'at+jwt', kid: globexKey.kid },
      acmeClaims(),
      globexKey.privateJwk,
    );
    await expectInvalidToken(await onAcme(crossKid).get('/v1/projects'));
    // Acme's kid on a token for globex, signed by acme's key, presented at globex.
    const acmeKey = await stealSigningKey(fx, acme.record);
    const forGlobex = forgeEs256(
      { alg: 'ES256', typ: 'at+jwt', kid: acmeKey.kid },
      acmeClaims({ iss: 'http://globex.tenantkit.localhost', tid: globex.record.id }),
      acmeKey.privateJwk,
    );
    await expectInvalidToken(
      await bearerClient(fx.app, globex.host, forGlobex).get('/v1/projects'),
    );
  });

  it('refuses a tampered payload or signature', async () => {
    const [header, payload, signature] = acmeToken.split('.') as [string, string, string];
    const escalated = b64url(
      JSON.stringify({ ...decodePart(acmeToken, 1), scope: 'projects:read keys:manage' }),
    );
    await expectInvalidToken(
      await onAcme(`${header}.${escalated}.${signature}`).get('/v1/projects'),
    );
    const flipped = flipChar(signature, 10);
    await expectInvalidToken(await onAcme(`${header}.${payload}.${flipped}`).get('/v1/projects'));
    await expectInvalidToken(await onAcme(`${header}.${payload}`).get('/v1/projects'));
    await expectInvalidToken(await onAcme('garbage').get('/v1/projects'));
  });

  it('stops a revoked client’s tokens at once', async () => {
    const doomed = await createServiceClient(acme.client, ['projects:read']);
    const token = await accessToken(fx.app, acme.host, doomed);
    expect((await onAcme(token).get('/v1/projects')).status).toBe(200);
    expect((await acme.client.delete(`/v1/service-clients/${doomed.clientId}`)).status).toBe(204);
    await expectInvalidToken(await onAcme(token).get('/v1/projects'));
    const again = await requestToken(fx.app, acme.host, doomed);
    expect(again.status).toBe(401);
  });

  it('never falls back to the cookie when the bearer credential is bad', async () => {
    const res = await acme.client.get('/v1/projects', {
      headers: { authorization: 'Bearer not-a-token' },
    });
    await expectInvalidToken(res);
  });
});
