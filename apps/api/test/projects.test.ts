import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  type ApiFixture,
  createApiFixture,
  createProject,
  createTask,
  expectProblem,
  expectStatus,
  json,
  type PageJson,
  type ProjectJson,
  type TestTenant,
} from './helpers.ts';

let fx: ApiFixture;
let tenant: TestTenant;
let api: ApiClient;

beforeAll(async () => {
  fx = await createApiFixture();
  tenant = await fx.tenant('pooled', 'acme');
  api = tenant.client;
});
afterAll(async () => {
  await fx?.close();
});

/** Every page of /v1/projects from the first, following nextCursor. */
async function listAll(client: ApiClient, limit: number): Promise<PageJson<ProjectJson>[]> {
  const pages: PageJson<ProjectJson>[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page: PageJson<ProjectJson> = await json(
      await client.get(`/v1/projects?limit=${limit}${query}`),
      200,
    );
    pages.push(page);
    cursor = page.nextCursor;
    expect(pages.length).toBeLessThan(50);
  } while (cursor);
  return pages;
}

describe('create and get', () => {
  it('creates a project: 201 with Location, ETag "1" and the stored body', async () => {
    const res = await api.post('/v1/projects', { name: 'Launch', description: 'Q3 launch' });
    const created = await json<ProjectJson>(res, 201);
    expect(created).toMatchObject({ name: 'Launch', description: 'Q3 launch', version: 1 });
    expect(res.headers.get('location')).toBe(`/v1/projects/${created.id}`);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(Date.parse(created.createdAt)).not.toBeNaN();

    const got = await api.get(`/v1/projects/${created.id}`);
    expect(await json<ProjectJson>(got, 200)).toEqual(created);
    expect(got.headers.get('etag')).toBe('"1"');
  });

  it('defaults the description to an empty string and trims the name', async () => {
    const created = await createProject(api, { name: '  Padded  ' });
    expect(created).toMatchObject({ name: 'Padded', description: '' });
  });

  it('answers 404 for a well-formed id that does not exist', async () => {
    await expectProblem(
      await api.get('/v1/projects/01936b2e-7c1a-7000-8000-000000000000'),
      404,
      'not-found',
    );
  });
});

describe('list', () => {
  let client: ApiClient;
  let created: ProjectJson[];

  beforeAll(async () => {
    // A tenant of its own, so the exact set of projects is known.
    client = (await fx.tenant('pooled', 'lister')).client;
    created = [];
    for (let i = 0; i < 25; i++) created.push(await createProject(client, { name: `p${i}` }));
  });

  it('pages oldest first and sees every item exactly once', async () => {
    const pages = await listAll(client, 7);
    expect(pages.map((p) => p.items.length)).toEqual([7, 7, 7, 4]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    const seen = pages.flatMap((p) => p.items.map((item) => item.id));
    expect(seen).toEqual(created.map((p) => p.id));
  });

  it('keeps pages stable when items are added while paging', async () => {
    const first = await json<PageJson<ProjectJson>>(await client.get('/v1/projects?limit=10'), 200);
    const late = await createProject(client, { name: 'late' });
    const cursor = encodeURIComponent(first.nextCursor ?? '');
    const second = await json<PageJson<ProjectJson>>(
      await client.get(`/v1/projects?limit=10&cursor=${cursor}`),
      200,
    );
    expect(second.items.map((p) => p.id)).toEqual(created.slice(10, 20).map((p) => p.id));
    await expectStatus(await client.delete(`/v1/projects/${late.id}`), 204);
  });

  it('returns an opaque cursor, not the raw id', async () => {
    const page = await json<PageJson<ProjectJson>>(await client.get('/v1/projects?limit=3'), 200);
    const lastId = page.items.at(-1)?.id ?? '';
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(page.nextCursor).not.toContain(lastId);
    expect(page.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('defaults to 20 items per page', async () => {
    const page = await json<PageJson<ProjectJson>>(await client.get('/v1/projects'), 200);
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).not.toBeNull();
  });

  it('accepts limits from 1 to 100', async () => {
    const one = await json<PageJson<ProjectJson>>(await client.get('/v1/projects?limit=1'), 200);
    expect(one.items.map((p) => p.id)).toEqual([created[0]?.id]);
    const all = await json<PageJson<ProjectJson>>(await client.get('/v1/projects?limit=100'), 200);
    expect(all.items).toHaveLength(25);
    expect(all.nextCursor).toBeNull();
  });

  it.each(['0', '101', '-1', 'ten'])('rejects limit=%s with 422', async (limit) => {
    const body = await expectProblem(
      await client.get(`/v1/projects?limit=${limit}`),
      422,
      'validation-failed',
    );
    expect(body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'query.limit' })]),
    );
  });

  it('lists nothing for a tenant without projects', async () => {
    const empty = (await fx.tenant('pooled', 'empty')).client;
    expect(await json(await empty.get('/v1/projects'), 200)).toEqual({
      items: [],
      nextCursor: null,
    });
  });
});

describe('update', () => {
  it('updates with a matching If-Match and bumps version and ETag', async () => {
    const project = await createProject(api, { name: 'Before' });
    const res = await api.patch(
      `/v1/projects/${project.id}`,
      { name: 'After' },
      { headers: { 'if-match': '"1"' } },
    );
    const updated = await json<ProjectJson>(res, 200);
    expect(updated).toMatchObject({ id: project.id, name: 'After', version: 2 });
    expect(res.headers.get('etag')).toBe('"2"');
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(project.updatedAt));

    const second = await api.patch(
      `/v1/projects/${project.id}`,
      { description: 'more' },
      { headers: { 'if-match': '"2"' } },
    );
    expect(await json(second, 200)).toMatchObject({
      name: 'After',
      description: 'more',
      version: 3,
    });
    expect(second.headers.get('etag')).toBe('"3"');
  });

  it('updates without If-Match (last writer wins) and still bumps the version', async () => {
    const project = await createProject(api);
    const updated = await json<ProjectJson>(
      await api.patch(`/v1/projects/${project.id}`, { name: 'Renamed' }),
      200,
    );
    expect(updated).toMatchObject({ name: 'Renamed', version: 2 });
  });

  it('refuses a stale If-Match with 412 and currentVersion, and changes nothing', async () => {
    const project = await createProject(api, { name: 'Original' });
    await expectStatus(await api.patch(`/v1/projects/${project.id}`, { name: 'v2' }), 200);

    const body = await expectProblem(
      await api.patch(
        `/v1/projects/${project.id}`,
        { name: 'Lost update' },
        { headers: { 'if-match': '"1"' } },
      ),
      412,
      'version-mismatch',
    );
    expect(body.currentVersion).toBe(2);
    const now = await json<ProjectJson>(await api.get(`/v1/projects/${project.id}`), 200);
    expect(now).toMatchObject({ name: 'v2', version: 2 });
  });

  it('lets exactly one of many concurrent writers with the same If-Match win', async () => {
    const project = await createProject(api, { name: 'Contended' });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api.patch(
          `/v1/projects/${project.id}`,
          { name: `writer ${i}` },
          {
            headers: { 'if-match': '"1"' },
          },
        ),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 412, 412, 412, 412, 412, 412, 412]);
    const winner = results.find((r) => r.status === 200);
    const won = (await winner?.json()) as ProjectJson;
    const now = await json<ProjectJson>(await api.get(`/v1/projects/${project.id}`), 200);
    expect(now).toMatchObject({ name: won.name, version: 2 });
  });

  it.each(['garbage', '1', '"abc"', '"1', '"-1"'])(
    'refuses the unparseable If-Match %s with 412',
    async (ifMatch) => {
      const project = await createProject(api, { name: 'Untouched' });
      await expectProblem(
        await api.patch(
          `/v1/projects/${project.id}`,
          { name: 'Changed' },
          { headers: { 'if-match': ifMatch } },
        ),
        412,
        'version-mismatch',
      );
      const now = await json<ProjectJson>(await api.get(`/v1/projects/${project.id}`), 200);
      expect(now).toMatchObject({ name: 'Untouched', version: 1 });
    },
  );

  it('answers 404 for a missing project, with or without If-Match', async () => {
    const missing = '/v1/projects/01936b2e-7c1a-7000-8000-0000000000aa';
    await expectProblem(await api.patch(missing, { name: 'x' }), 404, 'not-found');
    await expectProblem(
      await api.patch(missing, { name: 'x' }, { headers: { 'if-match': '"1"' } }),
      404,
      'not-found',
    );
  });
});

describe('delete', () => {
  it('deletes with 204 and the project is gone', async () => {
    const project = await createProject(api);
    const res = await api.delete(`/v1/projects/${project.id}`, {
      headers: { 'if-match': '"1"' },
    });
    await expectStatus(res, 204);
    expect(await res.text()).toBe('');
    await expectProblem(await api.get(`/v1/projects/${project.id}`), 404, 'not-found');
    await expectProblem(await api.delete(`/v1/projects/${project.id}`), 404, 'not-found');
  });

  it('refuses a stale If-Match with 412 and the row still exists', async () => {
    const project = await createProject(api, { name: 'Keep me' });
    await expectStatus(await api.patch(`/v1/projects/${project.id}`, { name: 'Keep me too' }), 200);
    const body = await expectProblem(
      await api.delete(`/v1/projects/${project.id}`, { headers: { 'if-match': '"1"' } }),
      412,
      'version-mismatch',
    );
    expect(body.currentVersion).toBe(2);
    const rows = await fx.testDb.admin.sql`
      select name, version from projects where tenant_id = ${tenant.record.id} and id = ${project.id}`;
    expect([...rows]).toEqual([{ name: 'Keep me too', version: 2 }]);
  });

  it('deletes the tasks of the project with it, in both tiers', async () => {
    for (const t of [tenant, await fx.tenant('dedicated', 'solo')]) {
      const project = await createProject(t.client);
      const task = await createTask(t.client, project.id, { title: 'doomed' });
      const keep = await createProject(t.client);
      const kept = await createTask(t.client, keep.id, { title: 'survivor' });

      await expectStatus(await t.client.delete(`/v1/projects/${project.id}`), 204);

      await expectProblem(
        await t.client.get(`/v1/projects/${project.id}/tasks/${task.id}`),
        404,
        'not-found',
      );
      const rows = await fx.testDb.admin.sql`
        select id from tasks_pooled where tenant_id = ${t.record.id}
        union all
        select id from tasks_dedicated where tenant_id = ${t.record.id}`;
      const ids = rows.map((r) => r.id);
      expect(ids).not.toContain(task.id);
      expect(ids).toContain(kept.id);
    }
  });
});
