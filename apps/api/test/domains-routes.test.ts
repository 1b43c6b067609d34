import { publishHttp01Answer } from '@tenantkit/domains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  createApiFixture,
  expectProblem,
  json,
  type TestTenant,
} from './helpers.ts';

// /v1/domains through the app (app.request), and the HTTP-01 answer route.

interface DomainJson {
  hostname: string;
  status: string;
  certificate: { status: string };
  events?: { machine: string; to: string }[];
}

let fx: ApiFixture;
let acme: TestTenant;
let globex: TestTenant;

beforeAll(async () => {
  fx = await createApiFixture();
  [acme, globex] = [await fx.tenant('pooled', 'acme'), await fx.tenant('pooled', 'globex')];
});
afterAll(async () => {
  await fx?.close();
});

describe('/v1/domains', () => {
  it('adds, lists, reads with its events, and audits the change', async () => {
    const added = await json<DomainJson>(
      await acme.client.post('/v1/domains', { hostname: 'Shop.Acme.Example' }),
      201,
    );
    expect(added).toMatchObject({
      hostname: 'shop.acme.example',
      status: 'pending_verification',
      certificate: { status: 'none' },
    });
    const list = await json<{ items: DomainJson[] }>(await acme.client.get('/v1/domains'), 200);
    expect(list.items.map((d) => d.hostname)).toEqual(['shop.acme.example']);
    const one = await json<DomainJson>(await acme.client.get('/v1/domains/shop.acme.example'), 200);
    expect(one.events?.map((e) => `${e.machine}:${e.to}`)).toEqual(['domain:pending_verification']);
    const audit = await json<{ items: { action: string; targetId: string }[] }>(
      await acme.client.get('/v1/audit-events'),
      200,
    );
    expect(audit.items).toContainEqual(
      expect.objectContaining({ action: 'domain.added', targetId: 'shop.acme.example' }),
    );
  });

  it('refuses bad hostnames as client errors, never 500', async () => {
    for (const hostname of ['not a host', '10.0.0.1', 'acme.tenantkit.localhost', 'x', 'a:443']) {
      const res = await acme.client.post('/v1/domains', { hostname });
      expect(res.status, hostname).toBeGreaterThanOrEqual(400);
      expect(res.status, hostname).toBeLessThan(500);
    }
    await expectProblem(
      await acme.client.post('/v1/domains', { hostname: 'globex.tenantkit.localhost' }),
      400,
      'platform-hostname',
    );
  });

  it("never shows or removes another tenant's domain", async () => {
    await json(await globex.client.post('/v1/domains', { hostname: 'app.globex.example' }), 201);
    await expectProblem(await acme.client.get('/v1/domains/app.globex.example'), 404, 'not-found');
    await expectProblem(
      await acme.client.delete('/v1/domains/app.globex.example'),
      404,
      'not-found',
    );
    const still = await json<DomainJson>(
      await globex.client.get('/v1/domains/app.globex.example'),
      200,
    );
    expect(still.status).toBe('pending_verification');
    await expectProblem(
      await acme.client.post('/v1/domains', { hostname: 'app.globex.example' }),
      409,
      'hostname-taken',
    );
  });

  it("enforces the plan's limit (free: 2 custom domains)", async () => {
    await json(await acme.client.post('/v1/domains', { hostname: 'two.acme.example' }), 201);
    await expectProblem(
      await acme.client.post('/v1/domains', { hostname: 'three.acme.example' }),
      422,
      'domain-limit-reached',
    );
  });

  it('removes a domain (idempotently)', async () => {
    expect((await acme.client.delete('/v1/domains/two.acme.example')).status).toBe(204);
    expect((await acme.client.delete('/v1/domains/two.acme.example')).status).toBe(204);
    const removed = await json<DomainJson>(
      await acme.client.get('/v1/domains/two.acme.example'),
      200,
    );
    expect(removed.status).toBe('removed');
  });
});

describe('/.well-known/acme-challenge/<token>', () => {
  it('answers a published token on any host, and nothing else', async () => {
    const token = 'Zm9vYmFyYmF6cXV4cXV1eA';
    await publishHttp01Answer(fx.testRedis.redis, fx.testRedis.prefix, token, `${token}.thumb`);
    for (const host of ['app.unknown.example', acme.host]) {
      const res = await fx.app.request(`/.well-known/acme-challenge/${token}`, {
        headers: { host },
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(`${token}.thumb`);
    }
    const unknown = await fx.app.request('/.well-known/acme-challenge/AAAAAAAAAAAAAAAAAAAAAA', {
      headers: { host: 'app.unknown.example' },
    });
    expect(unknown.status).toBe(404);
    const malformed = await fx.app.request('/.well-known/acme-challenge/..%2Fkeys', {
      headers: { host: 'app.unknown.example' },
    });
    expect(malformed.status).toBe(404);
  });
});

describe('/v1/domains/{hostname}/verify', () => {
  it('checks at once, keeps the reason, and refuses a domain that is past verification', async () => {
    const other = await fx.tenant('pooled', 'verifier');
    await json(await other.client.post('/v1/domains', { hostname: 'v.verifier.example' }), 201);
    const checked = await json<DomainJson & { reason: string }>(
      await other.client.post('/v1/domains/v.verifier.example/verify', {}),
      200,
    );
    // The fixture's resolver reaches no DNS server: still pending, with the lookup's reason.
    expect(checked.status).toBe('pending_verification');
    expect(checked.reason).toMatch(/dns-error|no-record/);
    await fx.testDb.admin.sql`update tenant_domains set status = 'verified'
      where hostname = 'v.verifier.example'`;
    await expectProblem(
      await other.client.post('/v1/domains/v.verifier.example/verify', {}),
      409,
      'domain-not-pending',
    );
    await expectProblem(
      await acme.client.post('/v1/domains/v.verifier.example/verify', {}),
      404,
      'not-found',
    );
  });
});
