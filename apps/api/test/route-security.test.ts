import { ALL_PERMISSIONS, BUILTIN_ROLES } from '@tenantkit/identity';
import { startTestIdp, type TestIdp } from '@tenantkit/testing/idp';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concreteAdminTarget } from './admin-helpers.ts';
import {
  type ApiClient,
  type ApiFixture,
  createApiFixture,
  createProject,
  createTask,
  expectProblem,
  json,
  type TestTenant,
} from './helpers.ts';
import { accessToken, bearerClient, createApiKey, createServiceClient } from './machine-helpers.ts';

// Every /v1 operation in the OpenAPI document gets the same four questions, so a new route
// cannot ship without authentication and a permission: no credential, another tenant's
// credential, a member without the permission, and a member with it.

interface Operation {
  method: string;
  path: string;
  permission: string | undefined;
  hasBody: boolean;
}

let fx: ApiFixture;
let acme: TestTenant;
let globex: TestTenant;
let powerless: ApiClient;
let operations: Operation[];
/** A real OpenID Provider, so creating an SSO connection (which runs discovery) succeeds. */
let idp: TestIdp;

const BODIES: Record<string, unknown> = {
  '/v1/projects': { name: 'Security check' },
  '/v1/projects/{projectId}': { name: 'Renamed' },
  '/v1/projects/{projectId}/tasks': { title: 'Security check' },
  '/v1/projects/{projectId}/tasks/{taskId}': { done: true },
  '/v1/api-keys': { name: 'Security check', scopes: ['projects:read'] },
  '/v1/service-clients': { name: 'Security check', scopes: ['projects:read'] },
  '/v1/domains': { hostname: 'security-check.example.com' },
  '/v1/sso/connections/{connectionId}': { name: 'Renamed' },
  '/v1/sso/email-domains': { domain: 'security-check.test' },
  '/v1/sso/policy': { ssoRequired: false },
};
/** An existing custom domain of acme's for /v1/domains/{hostname} (a removed one still reads). */
const SECURITY_HOSTNAME = 'existing.security-check.example.com';
/** Another one for .../verify, which the DELETE of the first may precede. */
const VERIFY_HOSTNAME = 'verify.security-check.example.com';

beforeAll(async () => {
  fx = await createApiFixture();
  idp = await startTestIdp();
  BODIES['/v1/sso/connections'] = { name: 'Security check', issuer: idp.issuer, clientId: 'sec' };
  [acme, globex] = await Promise.all([
    fx.tenant('dedicated', 'acme'),
    fx.tenant('pooled', 'globex'),
  ]);
  powerless = await acme.member([]);
  await fx.testDb.admin.sql`
    insert into tenant_domains (tenant_id, hostname, kind)
    values (${acme.record.id}, ${SECURITY_HOSTNAME}, 'custom'),
           (${acme.record.id}, ${VERIFY_HOSTNAME}, 'custom')`;
  await fx.testDb.admin.sql`update tenants set plan = 'enterprise' where id = ${acme.record.id}`;
  const doc = await json<{ paths: Record<string, Record<string, Record<string, unknown>>> }>(
    await acme.client.get('/openapi.json'),
    200,
  );
  operations = Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        permission: op['x-permission'] as string | undefined,
        hasBody: op.requestBody !== undefined,
      })),
    );
});

afterAll(async () => {
  await fx?.close();
  await idp?.close();
});

interface Target {
  url: string;
  body?: unknown;
}

/** A concrete URL (and body) for an operation, with fresh resources of acme's, so a DELETE harms nothing. */
let hostnames = 0;

async function concrete(op: Operation): Promise<Target> {
  let path = op.path;
  if (path.includes('{projectId}')) {
    const project = await createProject(acme.client);
    const task = await createTask(acme.client, project.id);
    path = path.replace('{projectId}', project.id).replace('{taskId}', task.id);
  }
  if (path.includes('{hostname}')) {
    // A fresh domain per request, so one credential's DELETE leaves the next one something.
    let hostname = VERIFY_HOSTNAME;
    if (!path.endsWith('/verify')) {
      hostnames += 1;
      hostname = `d${hostnames}.${SECURITY_HOSTNAME}`;
      await fx.testDb.admin.sql`
        insert into tenant_domains (tenant_id, hostname, kind)
        values (${acme.record.id}, ${hostname}, 'custom')`;
    }
    path = path.replace('{hostname}', hostname);
  }
  if (op.path === '/v1/domains' && op.method === 'POST') {
    hostnames += 1;
    return { url: path, body: { hostname: `new${hostnames}.${SECURITY_HOSTNAME}` } };
  }
  if (path.includes('{connectionId}')) {
    const connection = await json<{ id: string }>(
      await acme.client.post('/v1/sso/connections', BODIES['/v1/sso/connections']),
      201,
    );
    path = path.replace('{connectionId}', connection.id);
  }
  if (path.includes('{domain}')) {
    await json(
      await acme.client.post('/v1/sso/email-domains', { domain: 'security-check.test' }),
      201,
    );
    path = path.replace('{domain}', 'security-check.test');
  }
  if (path.includes('{keyId}')) {
    const key = await createApiKey(acme.client, { scopes: ['projects:read'] });
    path = path.replace('{keyId}', key.id);
  }
  if (path.includes('{clientId}')) {
    const client = await createServiceClient(acme.client, ['projects:read']);
    path = path.replace('{clientId}', client.clientId);
  }
  const target = await concreteAdminTarget(fx, acme, path);
  if (!op.hasBody) return { url: target.url };
  return { url: target.url, body: target.body ?? BODIES[op.path] ?? {} };
}

function send(client: ApiClient, op: Operation, target: Target) {
  return client.request(
    op.method,
    target.url,
    target.body === undefined ? {} : { body: target.body },
  );
}

describe('every /v1 route', () => {
  it('is in the OpenAPI document with a declared permission', () => {
    expect(operations.length).toBeGreaterThanOrEqual(10);
    for (const op of operations)
      expect(op.permission, `${op.method} ${op.path}`).toMatch(/^[a-z]+:[a-z]+$/);
  });

  it('refuses a request with no credential (401)', async () => {
    for (const op of operations) {
      const res = await send(acme.anonymous, op, await concrete(op));
      await expectProblem(res, 401, 'unauthenticated');
    }
  });

  it("refuses another tenant's session on this tenant's host (401)", async () => {
    const headers = { cookie: `__Host-tk_session=${globex.token}`, origin: `http://${acme.host}` };
    for (const op of operations) {
      const target = await concrete(op);
      const res = await acme.anonymous.request(op.method, target.url, {
        headers,
        ...(target.body === undefined ? {} : { body: target.body }),
      });
      await expectProblem(res, 401, 'unauthenticated');
    }
  });

  it('refuses a member without the permission (403) and names it', async () => {
    for (const op of operations) {
      const res = await send(powerless, op, await concrete(op));
      const problem = await expectProblem(res, 403, 'permission-required');
      expect(problem.permission).toBe(op.permission);
    }
  });

  it('serves a member with the permission', async () => {
    const viewer = await acme.member(['viewer']);
    for (const op of operations) {
      const url = await concrete(op);
      const allowed = await send(acme.client, op, url);
      expect(allowed.status, `${op.method} ${op.path}`).toBeLessThan(300);
      // A viewer holds only its built-in read permissions: those pass, the rest are refused
      // (before any lookup, so the URL the owner just used, even deleted, serves the check).
      if ((BUILTIN_ROLES.viewer.permissions as readonly string[]).includes(op.permission ?? '')) {
        expect((await send(viewer, op, url)).status).toBe(200);
      } else {
        await expectProblem(await send(viewer, op, url), 403, 'permission-required');
      }
    }
  });
});

describe('cookie-authenticated writes', () => {
  it('are refused from a foreign origin or a cross-site fetch (403)', async () => {
    const cookie = `__Host-tk_session=${acme.token}`;
    const attempts: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'http://globex.tenantkit.localhost' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site', origin: `http://${acme.host}` },
      { 'sec-fetch-site': 'same-site' },
      {},
    ];
    for (const extra of attempts) {
      const res = await acme.anonymous.post(
        '/v1/projects',
        { name: 'csrf' },
        { headers: { cookie, ...extra } },
      );
      await expectProblem(res, 403, 'cross-site-request');
    }
  });

  it('pass from the same origin, and reads need no origin', async () => {
    const cookie = `__Host-tk_session=${acme.token}`;
    const sameOrigin = await acme.anonymous.post(
      '/v1/projects',
      { name: 'ok' },
      {
        headers: { cookie, 'sec-fetch-site': 'same-origin' },
      },
    );
    expect(sameOrigin.status).toBe(201);
    expect((await acme.anonymous.get('/v1/projects', { headers: { cookie } })).status).toBe(200);
  });

  it('a tampered or truncated cookie is no credential', async () => {
    const last = acme.token.at(-1) === 'A' ? 'E' : 'A';
    for (const token of [
      `${acme.token.slice(0, -1)}${last}`,
      acme.token.slice(0, 40),
      `${acme.token}.x`,
    ]) {
      const res = await acme.anonymous.get('/v1/projects', {
        headers: { cookie: `__Host-tk_session=${token}` },
      });
      await expectProblem(res, 401, 'unauthenticated');
    }
  });
});

// The same questions for machine credentials: a bearer access token of a service client and an
// API key, each holding every permission.
describe('every /v1 route with machine credentials', () => {
  async function credentials(tenant: TestTenant) {
    const scopes = [...ALL_PERMISSIONS];
    const client = await createServiceClient(tenant.client, scopes);
    const token = await accessToken(fx.app, tenant.host, client);
    const { key } = await createApiKey(tenant.client, { scopes });
    return { 'access token': token, 'API key': key };
  }

  it("refuses another tenant's access token and API key on this tenant's host (401)", async () => {
    const foreign = await credentials(globex);
    for (const [kind, credential] of Object.entries(foreign)) {
      const client = bearerClient(fx.app, acme.host, credential);
      for (const op of operations) {
        const res = await send(client, op, await concrete(op));
        expect(res.status, `${kind}: ${op.method} ${op.path}`).toBe(401);
        await expectProblem(res, 401, 'invalid-token');
      }
    }
  });

  it('serves an access token and an API key that hold the permission', async () => {
    const own = await credentials(acme);
    for (const [kind, credential] of Object.entries(own)) {
      const client = bearerClient(fx.app, acme.host, credential);
      for (const op of operations) {
        const res = await send(client, op, await concrete(op));
        expect(res.status, `${kind}: ${op.method} ${op.path}`).toBeLessThan(300);
      }
    }
  });

  it('refuses an access token and an API key without the permission (403)', async () => {
    const client = await createServiceClient(acme.client, ['audit:read']);
    const token = await accessToken(fx.app, acme.host, client);
    const { key } = await createApiKey(acme.client, { scopes: ['audit:read'] });
    for (const credential of [token, key]) {
      for (const op of operations.filter((o) => o.permission !== 'audit:read')) {
        const res = await send(bearerClient(fx.app, acme.host, credential), op, await concrete(op));
        const problem = await expectProblem(res, 403, 'permission-required');
        expect(problem.permission).toBe(op.permission);
      }
    }
  });
});
