import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  type ApiFixture,
  apiClient,
  createApiFixture,
  createProject,
  createTask,
  expectProblem,
  json,
  type PageJson,
  PLATFORM_DOMAIN,
  type ProjectJson,
  type TaskJson,
  type TestTenant,
  waitFor,
} from './helpers.ts';

const BODY_LIMIT = 2048;

let fx: ApiFixture;
let tenant: TestTenant;
let api: ApiClient;
let project: ProjectJson;
let task: TaskJson;

beforeAll(async () => {
  fx = await createApiFixture({ bodyLimitBytes: BODY_LIMIT });
  tenant = await fx.tenant('pooled', 'acme');
  api = tenant.client;
  project = await createProject(api, { name: 'Target' });
  task = await createTask(api, project.id, { title: 'Target task' });
});
afterAll(async () => {
  await fx?.close();
});

const projectPath = () => `/v1/projects/${project.id}`;
const taskPath = () => `/v1/projects/${project.id}/tasks/${task.id}`;

describe('malformed and invalid bodies', () => {
  const writes: Array<[string, string, () => string]> = [
    ['POST', 'a project', () => '/v1/projects'],
    ['PATCH', 'a project', projectPath],
    ['POST', 'a task', () => `${projectPath()}/tasks`],
    ['PATCH', 'a task', taskPath],
  ];
  it.each(writes)('%s of %s with malformed JSON is 400 malformed-json', async (method, _, path) => {
    for (const rawBody of ['{"name":', '{name: "x"}', "{'title':'x'}", '', '\u0000']) {
      await expectProblem(await api.request(method, path(), { rawBody }), 400, 'malformed-json');
    }
  });

  it.each([
    [{ name: 42 }, 'body.name'],
    [{ name: 'ok', description: ['list'] }, 'body.description'],
    [{ name: null }, 'body.name'],
    [{}, 'body.name'],
    [{ name: '   ' }, 'body.name'],
    [{ name: 'x'.repeat(201) }, 'body.name'],
  ])('a project body %j is 422 naming %s', async (body, path) => {
    const problem = await expectProblem(
      await api.post('/v1/projects', body),
      422,
      'validation-failed',
    );
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it.each([
    [{ title: 7 }, 'body.title'],
    [{ title: 'ok', done: 'true' }, 'body.done'],
    [{ title: 'ok', done: 1 }, 'body.done'],
  ])('a task body %j is 422 naming %s', async (body, path) => {
    const problem = await expectProblem(
      await api.post(`${projectPath()}/tasks`, body),
      422,
      'validation-failed',
    );
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it('a body that is not an object is 422', async () => {
    for (const rawBody of ['[]', 'null', '"name"', '42']) {
      await expectProblem(
        await api.request('POST', '/v1/projects', { rawBody }),
        422,
        'validation-failed',
      );
    }
  });

  it('unknown fields are 422 (strict objects) and nothing is written', async () => {
    const cases: Array<[string, string, unknown]> = [
      ['POST', '/v1/projects', { name: 'x', tenantId: tenant.record.id }],
      ['PATCH', projectPath(), { version: 99 }],
      ['POST', `${projectPath()}/tasks`, { title: 'x', projectId: project.id }],
      ['PATCH', taskPath(), { id: '01936b2e-7c1a-7000-8000-000000000000' }],
    ];
    for (const [method, path, body] of cases) {
      const problem = await expectProblem(
        await api.request(method, path, { body }),
        422,
        'validation-failed',
      );
      expect(JSON.stringify(problem.errors)).toMatch(/Unrecognized key/);
    }
    const after = await json<ProjectJson>(await api.get(projectPath()), 200);
    expect(after.version).toBe(1);
  });

  it('a NUL character in text is 422, not a database error', async () => {
    const problem = await expectProblem(
      await api.post('/v1/projects', { name: 'a\u0000b' }),
      422,
      'validation-failed',
    );
    expect(problem.errors).toEqual([expect.objectContaining({ path: 'body.name' })]);
    await expectProblem(await api.patch(taskPath(), { title: '\u0000' }), 422, 'validation-failed');
  });

  it('a body over the limit is 413 and nothing is written', async () => {
    const before = await fx.testDb.admin.sql`select count(*)::int as n from projects`;
    const big = { name: 'big', description: 'x'.repeat(BODY_LIMIT) };
    const problem = await expectProblem(
      await api.post('/v1/projects', big),
      413,
      'payload-too-large',
    );
    expect(problem.maxBytes).toBe(BODY_LIMIT);
    await expectProblem(await api.patch(projectPath(), big), 413, 'payload-too-large');
    const after = await fx.testDb.admin.sql`select count(*)::int as n from projects`;
    expect(after[0]?.n).toBe(before[0]?.n);
    // Just under the limit still goes through: the limit is the one configured, not lower.
    const fits = { name: 'fits', description: 'y'.repeat(BODY_LIMIT - 100) };
    await json(await api.post('/v1/projects', fits), 201);
  });
});

describe('path parameters', () => {
  const notUuids = ['123', 'not-a-uuid', '01936b2e7c1a70008000000000000000x', '%27%20or%201%3D1'];

  it.each(notUuids)('a non-UUID project id %s is 400 invalid-parameter', async (bad) => {
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { name: 'x' }],
      ['DELETE', undefined],
    ] as const) {
      const problem = await expectProblem(
        await api.request(method, `/v1/projects/${bad}`, { body }),
        400,
        'invalid-parameter',
      );
      expect(problem.errors).toEqual([expect.objectContaining({ path: 'param.projectId' })]);
    }
    await expectProblem(await api.get(`/v1/projects/${bad}/tasks`), 400, 'invalid-parameter');
    await expectProblem(
      await api.post(`/v1/projects/${bad}/tasks`, { title: 'x' }),
      400,
      'invalid-parameter',
    );
  });

  it.each(notUuids)('a non-UUID task id %s is 400 invalid-parameter', async (bad) => {
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { title: 'x' }],
      ['DELETE', undefined],
    ] as const) {
      const problem = await expectProblem(
        await api.request(method, `${projectPath()}/tasks/${bad}`, { body }),
        400,
        'invalid-parameter',
      );
      expect(problem.errors).toEqual([expect.objectContaining({ path: 'param.taskId' })]);
    }
  });
});

describe('cursors', () => {
  const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it.each([
    ['garbage', 'garbage'],
    ['base64 of non-JSON', Buffer.from('hello').toString('base64url')],
    ['no "after"', forged({ before: '01936b2e-7c1a-7000-8000-000000000000' })],
    ['a non-UUID "after"', forged({ after: "'; drop table projects; --" })],
    ['a number', forged({ after: 5 })],
  ])('a cursor that is %s is 400 invalid-cursor', async (_label, cursor) => {
    const q = `?cursor=${encodeURIComponent(cursor)}`;
    await expectProblem(await api.get(`/v1/projects${q}`), 400, 'invalid-cursor');
    await expectProblem(await api.get(`${projectPath()}/tasks${q}`), 400, 'invalid-cursor');
  });

  it('a cursor this API issued still works (the 400s above are not everything failing)', async () => {
    await createProject(api, { name: 'second' });
    const page = await json<PageJson<ProjectJson>>(await api.get('/v1/projects?limit=1'), 200);
    expect(page.nextCursor).not.toBeNull();
    const q = `?limit=1&cursor=${encodeURIComponent(page.nextCursor ?? '')}`;
    await json(await api.get(`/v1/projects${q}`), 200);
  });
});

describe('hosts', () => {
  it('an unknown host is 404 tenant-not-found and says nothing about tenants', async () => {
    await fx.tenant('dedicated', 'globex');
    const all = await fx.testDb.admin.sql<Array<{ id: string; slug: string; name: string }>>`
      select id, slug, name from tenants`;
    expect(all.length).toBeGreaterThanOrEqual(2);
    const known = all.flatMap((t) => [t.slug, t.name, t.id]);
    for (const host of [
      `acmee.${PLATFORM_DOMAIN}`,
      `acm.${PLATFORM_DOMAIN}`,
      `www.acme.${PLATFORM_DOMAIN}`,
      'acme.example.com',
      PLATFORM_DOMAIN,
      '127.0.0.1',
      '[::1]:8080',
      'acme..tenantkit.localhost',
      `${'a'.repeat(300)}.${PLATFORM_DOMAIN}`,
    ]) {
      const res = await apiClient(fx.app, host).get('/v1/projects');
      const text = await res.clone().text();
      await expectProblem(res, 404, 'tenant-not-found');
      for (const secret of known) expect(text).not.toContain(secret);
    }
  });

  it('a tenant being deleted is 404 tenant-not-found, like an unknown host', async () => {
    const leaving = await fx.tenant('pooled', 'leaving');
    await createProject(leaving.client);
    await fx.setTenantStatus(leaving.record, 'deleting');
    expect(
      await waitFor(async () => (await leaving.client.get('/v1/projects')).status === 404),
    ).toBe(true);
    const text = await (await leaving.client.get('/v1/projects')).text();
    expect(text).toContain('/problems/tenant-not-found');
    expect(text).not.toContain('leaving');
  });

  it('a request without a Host header is 404 tenant-not-found', async () => {
    await expectProblem(await fx.app.request('/v1/projects'), 404, 'tenant-not-found');
  });

  it('a suspended tenant is 403 tenant-suspended, and is served again once active', async () => {
    const victim = await fx.tenant('pooled', 'suspendme');
    const own = await createProject(victim.client, { name: 'mine' });
    await fx.setTenantStatus(victim.record, 'suspended');
    const suspended = await waitFor(
      async () => (await victim.client.get('/v1/projects')).status === 403,
    );
    expect(suspended).toBe(true);
    const problem = await expectProblem(
      await victim.client.get(`/v1/projects/${own.id}`),
      403,
      'tenant-suspended',
    );
    expect(JSON.stringify(problem)).not.toContain('mine');
    await expectProblem(
      await victim.client.post('/v1/projects', { name: 'sneaky' }),
      403,
      'tenant-suspended',
    );
    const rows = await fx.testDb.admin.sql`
      select name from projects where tenant_id = ${victim.record.id}`;
    expect(rows.map((r) => r.name)).toEqual(['mine']);

    await fx.setTenantStatus(victim.record, 'active');
    expect(
      await waitFor(async () => (await victim.client.get('/v1/projects')).status === 200),
    ).toBe(true);
  });
});

describe('hostile but valid text', () => {
  const values = [
    "'); drop table projects; --",
    "' or 1=1 --",
    '"; delete from tasks_pooled; --',
    '$1 $$ :name ? %s \\x00 \\0',
    'Ünïcödé — ñ, 日本語, עברית, العربية',
    '🚀🔥👩‍👩‍👧‍👦 e\u0301 \u200b\u200d\ufeff end',
    'ctrl:\u0001\u0002\u0007\u0008\u000b\u000c\u001b\u001f\u007f|tab\there|nl\nhere|cr\rhere',
    '<script>alert(1)</script>',
  ];

  it.each(values)('a project named %j is stored and returned verbatim', async (value) => {
    const created = await createProject(api, { name: value, description: value });
    expect(created).toMatchObject({ name: value, description: value });
    const got = await json<ProjectJson>(await api.get(`/v1/projects/${created.id}`), 200);
    expect(got).toMatchObject({ name: value, description: value });
    const rows = await fx.testDb.admin.sql`
      select name, description from projects
      where tenant_id = ${tenant.record.id} and id = ${created.id}`;
    expect([...rows]).toEqual([{ name: value, description: value }]);
  });

  it.each(values)('a task titled %j is stored and returned verbatim', async (value) => {
    const created = await createTask(api, project.id, { title: value });
    expect(created.title).toBe(value);
    const updated = await json<TaskJson>(
      await api.patch(`${projectPath()}/tasks/${created.id}`, { title: `${value}!` }),
      200,
    );
    expect(updated.title).toBe(`${value}!`);
  });

  it('leaves every table in place and every tenant row untouched', async () => {
    const tables = await fx.testDb.admin.sql`
      select count(*)::int as n from pg_class
      where relname in ('projects', 'tasks_pooled', 'tasks_dedicated', 'tenants')`;
    expect(tables[0]?.n).toBe(4);
    const got = await json<ProjectJson>(await api.get(projectPath()), 200);
    expect(got.name).toBe('Target');
  });
});

describe('nothing bad is a 500', () => {
  it('answers a broad sweep of odd requests without a 500, errors as problems', async () => {
    const p = projectPath();
    const t = taskPath();
    const sweep: Array<[string, string, { rawBody?: string; headers?: Record<string, string> }]> = [
      [
        'POST',
        '/v1/projects',
        { rawBody: '{"name":"x"}', headers: { 'content-type': 'text/plain' } },
      ],
      [
        'POST',
        '/v1/projects',
        { rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      ],
      ['POST', '/v1/projects', {}],
      ['POST', '/v1/projects', { rawBody: '{"name":"\\ud800"}' }],
      ['POST', '/v1/projects', { rawBody: `{"name":"${'['.repeat(1000)}"}` }],
      ['POST', '/v1/projects', { rawBody: '['.repeat(1500) }],
      ['POST', '/v1/projects', { rawBody: '{"name":"a","name":{"x":1}}' }],
      ['POST', '/v1/projects', { rawBody: '{"__proto__":{"admin":true},"name":"x"}' }],
      ['POST', '/v1/projects', { rawBody: '{"constructor":{"prototype":{}},"name":"x"}' }],
      ['PATCH', p, { rawBody: '{}', headers: { 'if-match': '"99999999999"' } }],
      ['PATCH', p, { rawBody: '{}', headers: { 'if-match': 'W/"x"' } }],
      ['PATCH', p, { rawBody: '{}', headers: { 'if-match': '"0"' } }],
      ['DELETE', t, { headers: { 'if-match': '""' } }],
      ['DELETE', t, { headers: { 'if-match': '"-1"' } }],
      ['GET', '/v1/projects?limit=1e309', {}],
      ['GET', '/v1/projects?limit=1.5', {}],
      ['GET', '/v1/projects?limit=', {}],
      ['GET', '/v1/projects?limit=9007199254740993', {}],
      ['GET', '/v1/projects?limit=1&limit=2', {}],
      ['GET', `/v1/projects?cursor=${'A'.repeat(500)}`, {}],
      ['GET', '/v1/projects?cursor=%FF%FE', {}],
      ['GET', `${p}/tasks?cursor=%00`, {}],
      ['GET', '/v1/projects/%ZZ', {}],
      ['GET', '/v1/projects/%00', {}],
      ['GET', `/v1/projects/${'f'.repeat(5000)}`, {}],
      ['GET', `${p}/tasks/%E0%A4%A`, {}],
      ['PUT', p, { rawBody: '{}' }],
      ['POST', p, { rawBody: '{}' }],
      ['DELETE', '/v1/projects', {}],
      ['GET', '/v1/nope', {}],
    ];
    for (const [method, path, options] of sweep) {
      const res = await api.request(method, path, options);
      const label = `${method} ${path.slice(0, 80)} -> ${res.status}`;
      expect(res.status, label).toBeLessThan(500);
      if (res.status >= 400) {
        expect(res.headers.get('content-type'), label).toBe('application/problem+json');
      }
    }
  });
});
