import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  createApiFixture,
  createProject,
  createTask,
  expectProblem,
  expectStatus,
  json,
  type PageJson,
  type TaskJson,
  type TestTenant,
} from './helpers.ts';

let fx: ApiFixture;
const tenants: Partial<Record<'pooled' | 'dedicated', TestTenant>> = {};

beforeAll(async () => {
  fx = await createApiFixture();
  tenants.pooled = await fx.tenant('pooled', 'pooled-co');
  tenants.dedicated = await fx.tenant('dedicated', 'dedicated-co');
});
afterAll(async () => {
  await fx?.close();
});

const MISSING = '01936b2e-7c1a-7000-8000-00000000dead';

/** The physical relation a task row lives in, read as the admin. */
async function relationOf(tenantId: string, taskId: string): Promise<string | undefined> {
  const rows = await fx.testDb.admin.sql`
    select tableoid::regclass::text as relation from tasks_pooled
    where tenant_id = ${tenantId} and id = ${taskId}
    union all
    select tableoid::regclass::text from tasks_dedicated
    where tenant_id = ${tenantId} and id = ${taskId}`;
  return rows[0]?.relation;
}

describe.each(['pooled', 'dedicated'] as const)('%s tenant', (tier) => {
  const t = () => {
    const tenant = tenants[tier];
    if (!tenant) throw new Error('tenant not created');
    return tenant;
  };

  it('creates a task: 201 with Location and ETag, stored in the tier-specific relation', async () => {
    const project = await createProject(t().client);
    const res = await t().client.post(`/v1/projects/${project.id}/tasks`, { title: 'Write docs' });
    const task = await json<TaskJson>(res, 201);
    expect(task).toMatchObject({
      projectId: project.id,
      title: 'Write docs',
      done: false,
      version: 1,
    });
    expect(res.headers.get('location')).toBe(`/v1/projects/${project.id}/tasks/${task.id}`);
    expect(res.headers.get('etag')).toBe('"1"');

    const relation = await relationOf(t().record.id, task.id);
    if (tier === 'pooled') expect(relation).toMatch(/^tasks_pooled_\d\d$/);
    else expect(relation).toBe(`tasks_t_${t().record.id.replaceAll('-', '')}`);

    const got = await t().client.get(`/v1/projects/${project.id}/tasks/${task.id}`);
    expect(await json(got, 200)).toEqual(task);
    expect(got.headers.get('etag')).toBe('"1"');

    // The list formats timestamps in SQL; they must read exactly as the other routes' do.
    const listed = await json<PageJson<TaskJson>>(
      await t().client.get(`/v1/projects/${project.id}/tasks`),
      200,
    );
    expect(listed.items).toEqual([task]);
  });

  it('creates a task that is already done', async () => {
    const project = await createProject(t().client);
    const task = await createTask(t().client, project.id, { title: 'Done', done: true });
    expect(task.done).toBe(true);
  });

  it('answers 404 for a task under another project of the same tenant', async () => {
    const a = await createProject(t().client);
    const b = await createProject(t().client);
    const task = await createTask(t().client, a.id);
    const wrongPath = `/v1/projects/${b.id}/tasks/${task.id}`;
    await expectProblem(await t().client.get(wrongPath), 404, 'not-found');
    await expectProblem(await t().client.patch(wrongPath, { done: true }), 404, 'not-found');
    await expectProblem(await t().client.delete(wrongPath), 404, 'not-found');
    const still = await json<TaskJson>(
      await t().client.get(`/v1/projects/${a.id}/tasks/${task.id}`),
      200,
    );
    expect(still).toMatchObject({ done: false, version: 1 });
  });

  it('creating a task in a non-existent project is 404 and writes nothing', async () => {
    await expectProblem(
      await t().client.post(`/v1/projects/${MISSING}/tasks`, { title: 'orphan' }),
      404,
      'not-found',
    );
    const rows = await fx.testDb.admin.sql`
      select 1 from tasks_pooled where project_id = ${MISSING}
      union all select 1 from tasks_dedicated where project_id = ${MISSING}`;
    expect(rows).toHaveLength(0);
  });

  it('listing tasks of a non-existent project is 404, of an empty project 200 and empty', async () => {
    await expectProblem(await t().client.get(`/v1/projects/${MISSING}/tasks`), 404, 'not-found');
    const empty = await createProject(t().client);
    expect(await json(await t().client.get(`/v1/projects/${empty.id}/tasks`), 200)).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it("pages a project's tasks oldest first, each exactly once, and only that project's", async () => {
    const project = await createProject(t().client);
    const other = await createProject(t().client);
    const created: TaskJson[] = [];
    for (let i = 0; i < 23; i++) {
      created.push(await createTask(t().client, project.id, { title: `t${i}` }));
      if (i % 5 === 0) await createTask(t().client, other.id, { title: `noise${i}` });
    }

    const defaultPage = await json<PageJson<TaskJson>>(
      await t().client.get(`/v1/projects/${project.id}/tasks`),
      200,
    );
    expect(defaultPage.items).toHaveLength(20);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page: PageJson<TaskJson> = await json(
        await t().client.get(`/v1/projects/${project.id}/tasks?limit=6${query}`),
        200,
      );
      expect(page.items.every((task) => task.projectId === project.id)).toBe(true);
      seen.push(...page.items.map((task) => task.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(pages).toBe(4);
    expect(seen).toEqual(created.map((task) => task.id));
  });

  it.each(['0', '101'])('rejects limit=%s with 422', async (limit) => {
    const project = await createProject(t().client);
    await expectProblem(
      await t().client.get(`/v1/projects/${project.id}/tasks?limit=${limit}`),
      422,
      'validation-failed',
    );
  });

  it('updates with If-Match "1", bumps version and ETag; a stale one is 412', async () => {
    const project = await createProject(t().client);
    const task = await createTask(t().client, project.id, { title: 'Draft' });
    const path = `/v1/projects/${project.id}/tasks/${task.id}`;

    const res = await t().client.patch(
      path,
      { title: 'Final', done: true },
      { headers: { 'if-match': '"1"' } },
    );
    expect(await json(res, 200)).toMatchObject({ title: 'Final', done: true, version: 2 });
    expect(res.headers.get('etag')).toBe('"2"');

    const stale = await expectProblem(
      await t().client.patch(path, { title: 'Lost' }, { headers: { 'if-match': '"1"' } }),
      412,
      'version-mismatch',
    );
    expect(stale.currentVersion).toBe(2);
    await expectProblem(
      await t().client.patch(path, { title: 'Lost' }, { headers: { 'if-match': 'nonsense' } }),
      412,
      'version-mismatch',
    );
    expect(await json(await t().client.get(path), 200)).toMatchObject({
      title: 'Final',
      version: 2,
    });
  });

  it('deletes with 204; a stale If-Match is 412 and the task still exists', async () => {
    const project = await createProject(t().client);
    const task = await createTask(t().client, project.id);
    const path = `/v1/projects/${project.id}/tasks/${task.id}`;
    await expectStatus(await t().client.patch(path, { done: true }), 200);

    const stale = await expectProblem(
      await t().client.delete(path, { headers: { 'if-match': '"1"' } }),
      412,
      'version-mismatch',
    );
    expect(stale.currentVersion).toBe(2);
    expect(await relationOf(t().record.id, task.id)).toBeDefined();

    await expectStatus(await t().client.delete(path, { headers: { 'if-match': '"2"' } }), 204);
    expect(await relationOf(t().record.id, task.id)).toBeUndefined();
    await expectProblem(await t().client.get(path), 404, 'not-found');
    await expectProblem(await t().client.delete(path), 404, 'not-found');
  });
});
