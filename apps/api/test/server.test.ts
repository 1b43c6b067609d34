import { type IncomingHttpHeaders, request } from 'node:http';
import { loadApiConfig } from '@tenantkit/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiRuntime, startApi } from '../src/server.ts';
import {
  type ApiFixture,
  authHeaders,
  createApiFixture,
  PLATFORM_DOMAIN,
  type TestTenant,
  testServices,
} from './helpers.ts';

// The api as a real HTTP server (startApi, as main.ts runs it), reached over a socket.

let fx: ApiFixture;
let acme: TestTenant;
let globex: TestTenant;
const runtimes: ApiRuntime[] = [];

beforeAll(async () => {
  fx = await createApiFixture();
  acme = await fx.tenant('pooled', 'acme');
  globex = await fx.tenant('dedicated', 'globex');
});
afterAll(async () => {
  await Promise.all(runtimes.map((r) => r.close()));
  await fx?.close();
});

async function start(env: Record<string, string> = {}): Promise<ApiRuntime> {
  const config = loadApiConfig({
    DATABASE_URL: fx.testDb.adminUrl,
    APP_DATABASE_URL: fx.testDb.appUrl,
    REDIS_URL: testServices.redisUrl,
    PLATFORM_DOMAIN,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATABASE_POOL_MAX: '3',
    SHUTDOWN_GRACE_MS: '5000',
    ...env,
  });
  const runtime = await startApi({ config, keyPrefix: fx.testRedis.prefix });
  runtimes.push(runtime);
  return runtime;
}

interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request on its own connection; fetch cannot set Host, node:http can. */
function http(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('startApi', () => {
  let api: ApiRuntime;
  beforeAll(async () => {
    api = await start();
  });

  it('listens on the chosen port and answers the probes', async () => {
    expect(api.url).toBe(`http://127.0.0.1:${api.port}`);
    expect(api.port).toBeGreaterThan(0);
    const ready = await http(api.port, { path: '/readyz' });
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('serves each tenant by its Host header, with the same answers as app.request', async () => {
    const created = await http(api.port, {
      method: 'POST',
      path: '/v1/projects',
      headers: {
        ...authHeaders(acme.token, acme.host),
        host: acme.host,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'Over the wire' }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.headers['x-content-type-options']).toBe('nosniff');
    const project = JSON.parse(created.body) as { id: string };
    expect(created.headers.location).toBe(`/v1/projects/${project.id}`);

    const own = await http(api.port, {
      path: `/v1/projects/${project.id}`,
      headers: {
        ...authHeaders(acme.token, acme.host),
        host: `${acme.host.toUpperCase()}:${api.port}`,
      },
    });
    expect(own.status).toBe(200);
    const other = await http(api.port, {
      path: `/v1/projects/${project.id}`,
      headers: { ...authHeaders(globex.token, globex.host), host: globex.host },
    });
    expect(other.status).toBe(404);
    const nobody = await http(api.port, {
      path: '/v1/projects',
      headers: { host: `nobody.${PLATFORM_DOMAIN}` },
    });
    expect(nobody.status).toBe(404);
    expect(nobody.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(nobody.body).type).toMatch(/\/tenant-not-found$/);
  });

  it('ignores X-Forwarded-Host when no proxy is trusted', async () => {
    const res = await http(api.port, {
      path: '/v1/projects',
      headers: {
        ...authHeaders(acme.token, acme.host),
        host: `nobody.${PLATFORM_DOMAIN}`,
        'x-forwarded-host': acme.host,
      },
    });
    expect(res.status).toBe(404);
  });
});

describe('behind a trusted proxy', () => {
  it('believes X-Forwarded-Host only from a configured proxy address', async () => {
    const proxied = await start({ TRUSTED_PROXIES: '127.0.0.1,::1' });
    const res = await http(proxied.port, {
      path: '/v1/projects',
      headers: {
        ...authHeaders(globex.token, globex.host),
        host: `nobody.${PLATFORM_DOMAIN}`,
        'x-forwarded-host': globex.host,
      },
    });
    expect(res.status).toBe(200);

    const elsewhere = await start({ TRUSTED_PROXIES: '10.0.0.5' });
    const ignored = await http(elsewhere.port, {
      path: '/v1/projects',
      headers: {
        ...authHeaders(globex.token, globex.host),
        host: `nobody.${PLATFORM_DOMAIN}`,
        'x-forwarded-host': globex.host,
      },
    });
    expect(ignored.status).toBe(404);
  });
});

describe('graceful close', () => {
  it('finishes a request in flight, refuses new connections, then resolves', async () => {
    const api = await start();
    let inFlight: ReturnType<typeof request> | undefined;
    const answer = new Promise<HttpAnswer>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: api.port,
          method: 'POST',
          path: '/v1/projects',
          headers: {
            ...authHeaders(acme.token, acme.host),
            host: acme.host,
            'content-type': 'application/json',
          },
          agent: false,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      // Half a body now (chunked), the rest after close() has begun.
      req.write('{"name":"in ');
      inFlight = req;
    });
    // Let the server accept the connection and parse the request head.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const startedAt = Date.now();
    const closed = api.close();
    let closedYet = false;
    void closed.then(() => {
      closedYet = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closedYet).toBe(false);
    await expect(http(api.port, { path: '/healthz' })).rejects.toThrow(/ECONNREFUSED/);

    inFlight?.end('flight"}');
    const res = await answer;
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body)).toMatchObject({ name: 'in flight' });
    await closed;
    // Drained, not cut off by the grace period.
    expect(Date.now() - startedAt).toBeLessThan(4_000);
    const rows = await fx.testDb.admin.sql`
      select 1 from projects where tenant_id = ${acme.record.id} and name = 'in flight'`;
    expect(rows).toHaveLength(1);
  });
});
