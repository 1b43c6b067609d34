import { createDatabase } from '@tenantkit/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import {
  type ApiFixture,
  apiClient,
  createApiFixture,
  expectProblem,
  json,
  PLATFORM_DOMAIN,
  type TestTenant,
} from './helpers.ts';

let fx: ApiFixture;
let tenant: TestTenant;

beforeAll(async () => {
  fx = await createApiFixture();
  tenant = await fx.tenant('pooled', 'acme');
});
afterAll(async () => {
  await fx?.close();
});

const unknownHost = () => apiClient(fx.app, `nobody.${PLATFORM_DOMAIN}`);

describe('probes', () => {
  it('/healthz is 200 on any host, tenant or not', async () => {
    for (const client of [tenant.client, unknownHost()]) {
      expect(await json(await client.get('/healthz'), 200)).toEqual({ status: 'ok' });
    }
    expect((await fx.app.request('/healthz')).status).toBe(200);
  });

  it('/readyz is 200 with both checks when Postgres and Redis answer', async () => {
    expect(await json(await fx.app.request('/readyz'), 200)).toEqual({
      status: 'ready',
      checks: { postgres: 'ok', redis: 'ok' },
    });
  });

  it('/readyz is a 503 problem with Retry-After while draining, and 200 again after', async () => {
    fx.lifecycle.draining = true;
    try {
      const res = await fx.app.request('/readyz');
      expect(res.headers.get('retry-after')).toBe('5');
      const problem = await expectProblem(res, 503, 'not-ready');
      expect(problem.detail).toBe('shutting down');
      // Liveness is not readiness: the process is still alive while it drains.
      expect((await fx.app.request('/healthz')).status).toBe(200);
    } finally {
      fx.lifecycle.draining = false;
    }
    expect((await fx.app.request('/readyz')).status).toBe(200);
  });

  it('/readyz is 503 naming Postgres when the database does not answer', async () => {
    // A pool to a port nothing listens on: the check fails fast with a refused connection.
    const dead = createDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', max: 1 });
    try {
      const res = await createApp({ ...fx.deps, db: dead }).request('/readyz');
      const problem = await expectProblem(res, 503, 'not-ready');
      expect(problem.detail).toBe('postgres unreachable');
      expect(JSON.stringify(problem)).not.toContain('127.0.0.1:1');
    } finally {
      await dead.close();
    }
  });
});

describe('API docs', () => {
  it('/docs on a tenant host is the reference page, script from our origin, CSP allowing it', async () => {
    const res = await tenant.client.get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<script src="/docs/scalar.js"></script>');
    expect(html).toContain('/openapi.json');
    // Nothing from another origin (a CDN script or font), which the CSP would refuse anyway.
    expect(html).not.toMatch(/https?:\/\//);
    const csp = res.headers.get('content-security-policy') ?? '';
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
    expect(scriptSrc).toContain("'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('/docs/scalar.js is served from this origin as JavaScript', async () => {
    const res = await tenant.client.get('/docs/scalar.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
  });

  it('/openapi.json is OpenAPI 3.1 listing the project and task paths', async () => {
    const doc = await json<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      servers: Array<{ url: string }>;
    }>(await tenant.client.get('/openapi.json'), 200);
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/projects',
        '/v1/projects/{projectId}',
        '/v1/projects/{projectId}/tasks',
        '/v1/projects/{projectId}/tasks/{taskId}',
      ]),
    );
    expect(Object.keys(doc.paths['/v1/projects'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/v1/projects/{projectId}/tasks'] ?? {}).sort()).toEqual([
      'get',
      'post',
    ]);
  });

  it.each(['/docs', '/docs/scalar.js', '/openapi.json'])(
    '%s on an unknown host is 404 tenant-not-found',
    async (path) => {
      await expectProblem(await unknownHost().get(path), 404, 'tenant-not-found');
    },
  );
});

describe('security headers', () => {
  it('are on API responses, successes and problems alike', async () => {
    const responses = [
      await tenant.client.get('/v1/projects'),
      await tenant.client.post('/v1/projects', { name: 'x' }),
      await tenant.client.get('/v1/projects/not-a-uuid'),
      await unknownHost().get('/v1/projects'),
      await fx.app.request('/healthz'),
    ];
    for (const res of responses) {
      expect(res.headers.get('x-content-type-options'), `${res.status}`).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('echo a plain inbound request id and replace a hostile one', async () => {
    const kept = await tenant.client.get('/v1/projects', {
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(kept.headers.get('x-request-id')).toBe('abc-123');
    const replaced = await tenant.client.get('/v1/projects/nope', {
      headers: { 'x-request-id': 'a b\tinjected' },
    });
    expect(replaced.headers.get('x-request-id')).not.toContain('injected');
    const problem = (await replaced.json()) as { requestId: string };
    expect(problem.requestId).toBe(replaced.headers.get('x-request-id'));
  });
});
