import { createHmac, createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  createApiFixture,
  expectProblem,
  json,
  type TestTenant,
} from './helpers.ts';
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

describe('POST /oauth/token', () => {
  it('issues an ES256 at+jwt with the tenant issuer, audience, subject, tid and scope', async () => {
    const res = await requestToken(fx.app, acme.host, acmeClient);
    const body = await json<Record<string, unknown>>(res, 200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'projects:read projects:write',
    });
    const token = String(body.access_token);
    expect(decodePart(token, 0)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    const claims = decodePart(token, 1);
    expect(claims).toMatchObject({
      iss: ACME_ISSUER,
      aud: 'tenantkit-api',
      sub: acmeClient.clientId,
      client_id: acmeClient.clientId,
      tid: acme.record.id,
      scope: 'projects:read projects:write',
    });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(claims.exp) - Number(claims.iat)).toBeLessThanOrEqual(15 * 60);
    expect(claims.nbf).toBe(claims.iat);
  });

  it('accepts client_secret_post as well as HTTP Basic', async () => {
    const token = await accessToken(fx.app, acme.host, { ...acmeClient, via: 'post' });
    expect(decodePart(token, 1).sub).toBe(acmeClient.clientId);
  });

  it('grants a requested subset of the client scopes and refuses more (invalid_scope)', async () => {
    expect(decodePart(acmeToken, 1).scope).toBe('projects:read');
    for (const scope of ['members:manage', 'projects:read keys:manage', 'owner', 'projects:*']) {
      const res = await requestToken(fx.app, acme.host, { ...acmeClient, scope });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_scope' });
    }
    const events = await json<{ items: Record<string, unknown>[] }>(
      await acme.client.get(
        `/v1/audit-events?action=oauth.token.failed&actorId=${acmeClient.clientId}`,
      ),
      200,
    );
    expect(events.items).toHaveLength(4);
    expect(events.items[0]).toMatchObject({
      actorType: 'client',
      data: { reason: 'invalid_scope' },
    });
  });

  it('answers every client authentication failure with the same invalid_client 401', async () => {
    const revoked = await createServiceClient(acme.client, ['projects:read']);
    expect((await acme.client.delete(`/v1/service-clients/${revoked.clientId}`)).status).toBe(204);
    const attempts = [
      { clientId: crypto.randomUUID(), clientSecret: acmeClient.clientSecret },
      { clientId: 'not-a-uuid', clientSecret: acmeClient.clientSecret },
      { clientId: acmeClient.clientId, clientSecret: flipChar(acmeClient.clientSecret, -5) },
      { clientId: acmeClient.clientId, clientSecret: 'guess' },
      revoked,
      // A client of another tenant, presented at acme.
      globexClient,
    ];
    const bodies = new Set<string>();
    for (const attempt of attempts) {
      for (const via of ['basic', 'post'] as const) {
        const res = await requestToken(fx.app, acme.host, { ...attempt, via });
        expect(res.status, JSON.stringify(attempt)).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Basic realm="tenantkit"');
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        bodies.add(await res.text());
      }
    }
    expect([...bodies]).toEqual([
      JSON.stringify({
        error: 'invalid_client',
        error_description: 'Client authentication failed.',
      }),
    ]);
    // The audit log keeps the real reasons.
    const events = await json<{ items: { data: { reason: string } }[] }>(
      await acme.client.get('/v1/audit-events?action=oauth.token.failed&limit=100'),
      200,
    );
    const reasons = new Set(events.items.map((e) => e.data.reason));
    for (const reason of ['unknown_client', 'bad_secret', 'revoked']) {
      expect(reasons).toContain(reason);
    }
  });

  it('speaks RFC 6749 errors for malformed requests', async () => {
    const form = (body: string, headers: Record<string, string> = {}) =>
      fx.app.request('/oauth/token', {
        method: 'POST',
        headers: {
          host: acme.host,
          'content-type': 'application/x-www-form-urlencoded',
          ...headers,
        },
        body,
      });
    const creds = `client_id=${acmeClient.clientId}&client_secret=${acmeClient.clientSecret}`;
    const basic = `Basic ${Buffer.from(`${acmeClient.clientId}:${acmeClient.clientSecret}`).toString('base64')}`;
    const cases: [Response | Promise<Response>, number, string][] = [
      [form(`grant_type=password&${creds}`), 400, 'unsupported_grant_type'],
      [form(creds), 400, 'invalid_request'],
      [
        form(`grant_type=client_credentials&grant_type=client_credentials&${creds}`),
        400,
        'invalid_request',
      ],
      [
        form(`grant_type=client_credentials&${creds}`, { authorization: basic }),
        400,
        'invalid_request',
      ],
      [form('grant_type=client_credentials'), 401, 'invalid_client'],
      [
        form('grant_type=client_credentials', { authorization: 'Basic !!!' }),
        401,
        'invalid_client',
      ],
      [
        form(`grant_type=client_credentials&${creds}`, { 'content-type': 'application/json' }),
        400,
        'invalid_request',
      ],
    ];
    for (const [pending, status, error] of cases) {
      const res = await pending;
      expect(res.status, error).toBe(status);
      expect(await res.json()).toMatchObject({ error });
    }
  });

  it('limits guessing one client secret: 429 with Retry-After, even for the right secret', async () => {
    const target = await createServiceClient(acme.client, ['projects:read']);
    let limited: Response | undefined;
    for (let i = 0; i < 30 && !limited; i++) {
      const res = await requestToken(fx.app, acme.host, {
        clientId: target.clientId,
        clientSecret: `tk_cs_guess${i}`,
      });
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(401);
    }
    if (!limited) throw new Error('never rate limited');
    await expectProblem(limited, 429, 'rate-limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const right = await requestToken(fx.app, acme.host, target);
    expect(right.status).toBe(429);
    // Another client of the same tenant is unaffected.
    expect((await requestToken(fx.app, acme.host, acmeClient)).status).toBe(200);
  });
});

describe('GET /openapi.json', () => {
  it('documents the token endpoint, the JWKS and the credential routes', async () => {
    const doc = await json<{ paths: Record<string, unknown> }>(
      await acme.client.get('/openapi.json'),
      200,
    );
    for (const path of [
      '/oauth/token',
      '/.well-known/jwks.json',
      '/v1/api-keys',
      '/v1/api-keys/{keyId}',
      '/v1/service-clients',
      '/v1/service-clients/{clientId}',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
  });
});

describe('GET /.well-known/jwks.json', () => {
  it("publishes this tenant's public keys only, cacheably, without private members", async () => {
    const res = await acme.anonymous.get('/.well-known/jwks.json');
    const body = await json<{ keys: Record<string, unknown>[] }>(res, 200);
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const acmeKid = decodePart(acmeToken, 0).kid;
    const globexKid = decodePart(globexToken, 0).kid;
    expect(body.keys.map((k) => k.kid)).toContain(acmeKid);
    expect(body.keys.map((k) => k.kid)).not.toContain(globexKid);
    for (const key of body.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    }
    const globexKeys = await json<{ keys: { kid: string }[] }>(
      await globex.anonymous.get('/.well-known/jwks.json'),
      200,
    );
    expect(globexKeys.keys.map((k) => k.kid)).toEqual([globexKid]);
  });

  it('is empty for a tenant that never issued a token', async () => {
    const quiet = await fx.tenant('pooled');
    const body = await json(await quiet.anonymous.get('/.well-known/jwks.json'), 200);
    expect(body).toEqual({ keys: [] });
  });

  it('stores the private key envelope-encrypted and bound to its tenant and kid', async () => {
    const rows = await fx.testDb.admin.sql<{ kid: string; private_jwk: string }[]>`
      select kid, private_jwk from signing_keys where tenant_id = ${acme.record.id}`;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.private_jwk).toMatch(/^v1\./);
      expect(row.private_jwk).not.toContain('"d"');
    }
    await expect(stealSigningKey(fx, acme.record)).resolves.toMatchObject({
      kid: expect.any(String),
    });
    const { decryptSecret, signingKeyAad } = await import('@tenantkit/identity');
    const row = rows[0];
    if (!row) throw new Error('no row');
    expect(() =>
      decryptSecret(fx.deps.keyRing, row.private_jwk, signingKeyAad(globex.record.id, row.kid)),
    ).toThrow();
  });
});

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
