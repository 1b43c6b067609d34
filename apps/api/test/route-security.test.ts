import { startTestIdp, type TestIdp } from '@tenantkit/testing/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  '/v1/sso/connections/{connectionId}': { name: 'Renamed' },
  '/v1/sso/email-domains': { domain: 'security-check.test' },
  '/v1/sso/policy': { ssoRequired: false },
};

beforeAll(async () => {
  fx = await createApiFixture();
  idp = await startTestIdp();
  BODIES['/v1/sso/connections'] = { name: 'Security check', issuer: idp.issuer, clientId: 'sec' };
  [acme, globex] = await Promise.all([
    fx.tenant('dedicated', 'acme'),
    fx.tenant('pooled', 'globex'),
  ]);
  powerless = await acme.member([]);
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

/** A concrete URL for an operation, with fresh resources of acme's, so a DELETE harms nothing. */
async function concrete(op: Operation): Promise<string> {
  let url = op.path;
  if (url.includes('{projectId}')) {
    const project = await createProject(acme.client);
    url = url.replace('{projectId}', project.id);
    if (url.includes('{taskId}')) {
      url = url.replace('{taskId}', (await createTask(acme.client, project.id)).id);
    }
  }
  if (url.includes('{connectionId}')) {
    const connection = await json<{ id: string }>(
      await acme.client.post('/v1/sso/connections', BODIES['/v1/sso/connections']),
      201,
    );
    url = url.replace('{connectionId}', connection.id);
  }
  if (url.includes('{domain}')) {
    await json(
      await acme.client.post('/v1/sso/email-domains', { domain: 'security-check.test' }),
      201,
    );
    url = url.replace('{domain}', 'security-check.test');
  }
  return url;
}

function send(client: ApiClient, op: Operation, url: string) {
  const body = op.hasBody ? (BODIES[op.path] ?? {}) : undefined;
  return client.request(op.method, url, body === undefined ? {} : { body });
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
      const res = await acme.anonymous.request(op.method, await concrete(op), {
        headers,
        ...(op.hasBody ? { body: BODIES[op.path] ?? {} } : {}),
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
      // A viewer holds projects:read only: reads pass, writes are refused.
      if (op.permission === 'projects:read') {
        expect((await send(viewer, op, url)).status).toBe(200);
      } else {
        await expectProblem(await send(viewer, op, await concrete(op)), 403, 'permission-required');
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
