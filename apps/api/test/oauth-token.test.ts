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
  type CreatedClientJson,
  createServiceClient,
  decodePart,
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
