import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  apiClient,
  authHeaders,
  createApiFixture,
  createProject,
  createTask,
  expectProblem,
  json,
  type PageJson,
  PLATFORM_DOMAIN,
  type ProjectJson,
  snapshotRows,
  type TaskJson,
  type TestTenant,
} from './helpers.ts';

// The isolation suite through the HTTP surface: with the host of tenant A, no id of tenant B
// can be read, changed, deleted, listed or referenced, whichever tier either tenant is on.

const SEED = Number(process.env.ISOLATION_SEED ?? 20_241_126);
if (!Number.isSafeInteger(SEED)) throw new Error('ISOLATION_SEED must be an integer');
const ATTEMPTS = 2_000;
const IN_FLIGHT = 8;

interface World {
  tenant: TestTenant;
  projects: Array<{ project: ProjectJson; tasks: TaskJson[] }>;
}

let fx: ApiFixture;
const worlds: World[] = [];

beforeAll(async () => {
  fx = await createApiFixture();
  const tenants = [
    await fx.tenant('pooled', 'pooled-a'),
    await fx.tenant('pooled', 'pooled-b'),
    await fx.tenant('dedicated', 'dedicated-c'),
    await fx.tenant('dedicated', 'dedicated-d'),
  ];
  await Promise.all(
    tenants.map(async (tenant) => {
      const world: World = { tenant, projects: [] };
      for (let p = 0; p < 3; p++) {
        const project = await createProject(tenant.client, { name: `${tenant.record.slug} p${p}` });
        const tasks: TaskJson[] = [];
        for (let t = 0; t < 3; t++) {
          tasks.push(await createTask(tenant.client, project.id, { title: `task ${p}.${t}` }));
        }
        world.projects.push({ project, tasks });
      }
      worlds.push(world);
    }),
  );
  worlds.sort((a, b) => a.tenant.record.slug.localeCompare(b.tenant.record.slug));
});
afterAll(async () => {
  await fx?.close();
});

/** mulberry32: small, seedable, good enough to pick test cases reproducibly. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const OPERATIONS = [
  'get project',
  'patch project',
  'delete project',
  'get task',
  'patch task',
  'delete task',
  'list tasks',
  'create task',
] as const;
type Operation = (typeof OPERATIONS)[number];

interface Attempt {
  operation: Operation;
  from: World;
  victim: World;
  /** The project id in the path: the victim's, or for task routes sometimes the caller's own. */
  projectId: string;
  taskId: string;
  ifMatch: boolean;
}

function planAttempts(seed: number, count: number): Attempt[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(next() * items.length)];
    if (item === undefined) throw new Error('empty list');
    return item;
  };
  return Array.from({ length: count }, () => {
    const from = pick(worlds);
    const victim = pick(worlds.filter((w) => w !== from));
    const target = pick(victim.projects);
    const ownProject = pick(from.projects).project.id;
    const operation = pick(OPERATIONS);
    const taskRoute = operation.endsWith(' task') && operation !== 'create task';
    return {
      operation,
      from,
      victim,
      // On task routes, the caller's own project with another tenant's task must not reach
      // the task either.
      projectId: taskRoute && next() < 0.25 ? ownProject : target.project.id,
      taskId: pick(target.tasks).id,
      ifMatch: next() < 0.5,
    };
  });
}

async function perform(attempt: Attempt): Promise<Response> {
  const api = attempt.from.tenant.client;
  const headers = attempt.ifMatch ? { 'if-match': '"1"' } : undefined;
  const project = `/v1/projects/${attempt.projectId}`;
  const task = `${project}/tasks/${attempt.taskId}`;
  switch (attempt.operation) {
    case 'get project':
      return api.get(project);
    case 'patch project':
      return api.patch(project, { name: 'taken over' }, { headers });
    case 'delete project':
      return api.delete(project, { headers });
    case 'get task':
      return api.get(task);
    case 'patch task':
      return api.patch(task, { title: 'taken over', done: true }, { headers });
    case 'delete task':
      return api.delete(task, { headers });
    case 'list tasks':
      return api.get(`${project}/tasks`);
    case 'create task':
      return api.post(`${project}/tasks`, { title: 'planted' });
  }
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

describe('cross-tenant access through the API', () => {
  it(`answers ${ATTEMPTS} random cross-tenant attempts with 404 and changes nothing`, async () => {
    console.log(`isolation seed: ${SEED} (override with ISOLATION_SEED)`);
    const attempts = planAttempts(SEED, ATTEMPTS);
    for (const operation of OPERATIONS) {
      expect(attempts.filter((a) => a.operation === operation).length).toBeGreaterThan(150);
    }
    for (const from of worlds) {
      expect(attempts.filter((a) => a.from === from).length).toBeGreaterThan(350);
    }
    // Legitimate reads interleaved with the attacks: a connection that carried one tenant's
    // context into the next request would show up as a wrong answer here.
    const legit = worlds.flatMap((w) =>
      w.projects.map((p) => ({ world: w, project: p.project, task: p.tasks[0] })),
    );
    const before = await snapshotRows(fx.testDb);

    const failures: string[] = [];
    let attemptsRun = 0;
    let legitChecks = 0;
    await pool(attempts, IN_FLIGHT, async (attempt) => {
      attemptsRun += 1;
      const ordinal = attemptsRun;
      const res = await perform(attempt);
      const text = await res.text();
      if (res.status !== 404 || !text.includes('/problems/not-found')) {
        failures.push(
          `${attempt.operation} from ${attempt.from.tenant.record.slug} on ` +
            `${attempt.victim.tenant.record.slug} (project ${attempt.projectId}, task ` +
            `${attempt.taskId}): ${res.status} ${text.slice(0, 200)}`,
        );
      }
      if (text.includes(attempt.victim.tenant.record.slug)) {
        failures.push(`${attempt.operation}: response names the victim tenant`);
      }
      // Every fourth attempt is followed by a legitimate read of some tenant's own task.
      const check = ordinal % 4 === 0 ? legit[legitChecks++ % legit.length] : undefined;
      if (check) {
        const own = await check.world.tenant.client.get(
          `/v1/projects/${check.project.id}/tasks/${check.task?.id}`,
        );
        const body = (await own.json()) as TaskJson;
        if (own.status !== 200 || body.projectId !== check.project.id) {
          failures.push(`legit read by ${check.world.tenant.record.slug}: ${own.status}`);
        }
      }
    });

    expect(failures.slice(0, 10), `seed ${SEED}: ${failures.length} failures`).toEqual([]);
    expect(legitChecks).toBe(ATTEMPTS / 4);
    expect(await snapshotRows(fx.testDb)).toEqual(before);
    // ~2,500 requests: seconds on an idle machine; the long timeout only spares a busy one.
  }, 120_000);

  it('lists only the caller tenant’s projects', async () => {
    for (const world of worlds) {
      const page = await json<PageJson<ProjectJson>>(
        await world.tenant.client.get('/v1/projects?limit=100'),
        200,
      );
      expect(page.items.map((p) => p.id).sort()).toEqual(
        world.projects.map((p) => p.project.id).sort(),
      );
    }
  });
});

describe('host normalisation', () => {
  it.each([
    ['upper case', (h: string) => h.toUpperCase()],
    ['a port', (h: string) => `${h}:8443`],
    ['a trailing dot', (h: string) => `${h}.`],
    ['all three', (h: string) => `${h.toUpperCase()}.:80`],
  ])('a host with %s resolves to the same tenant', async (_label, variant) => {
    const world = worlds[0];
    if (!world) throw new Error('no tenants');
    const expected = world.projects.map((p) => p.project.id).sort();
    const res = await apiClient(fx.app, variant(world.tenant.host), {
      token: world.tenant.token,
    }).get('/v1/projects');
    const page = await json<PageJson<ProjectJson>>(res, 200);
    expect(page.items.map((p) => p.id).sort()).toEqual(expected);
  });

  it('ignores X-Forwarded-Host from a peer that is not a trusted proxy', async () => {
    const [a, b] = worlds;
    if (!a || !b) throw new Error('no tenants');
    // No trusted proxies at all, and trusted proxies configured but an unknown peer (under
    // app.request there is no socket, so the peer address is unknown): both use Host.
    const apps = [fx.app, (await fx.buildApp({ trustedProxies: ['127.0.0.1', '::1'] })).app];
    for (const app of apps) {
      const res = await app.request('/v1/projects', {
        headers: {
          host: a.tenant.host,
          'x-forwarded-host': b.tenant.host,
          ...authHeaders(a.tenant.token, a.tenant.host),
        },
      });
      const page = await json<PageJson<ProjectJson>>(res, 200);
      expect(page.items.map((p) => p.id).sort()).toEqual(
        a.projects.map((p) => p.project.id).sort(),
      );
      await expectProblem(
        await app.request(`/v1/projects/${b.projects[0]?.project.id}`, {
          headers: {
            host: a.tenant.host,
            'x-forwarded-host': b.tenant.host,
            ...authHeaders(a.tenant.token, a.tenant.host),
          },
        }),
        404,
        'not-found',
      );
      await expectProblem(
        await app.request('/v1/projects', {
          headers: { host: `nobody.${PLATFORM_DOMAIN}`, 'x-forwarded-host': b.tenant.host },
        }),
        404,
        'tenant-not-found',
      );
    }
  });
});
