/**
 * The baseline the api is compared with: plain Hono on @hono/node-server and a postgres.js
 * pool of the api's size, connected as the admin user, once without prepared statements
 * (`bare`) and once with postgres.js's defaults (`bare/prepared`, BENCH_PREPARE=true). No tenancy, no RLS, no transaction, no middleware: the Host header is looked up in a
 * fixed map, and the same SELECT runs on the same relation the api reads.
 *
 * BENCH_BARE_MODE splits the gap to the api for `--breakdown` (connect as the runtime role):
 *   plain      one autocommit SELECT (the baseline)
 *   tenant-tx      withTenant's statements: BEGIN + set_config + SELECT issued together, then COMMIT
 *   tenant-simple  tenantRead's one simple-protocol message: SET LOCAL + the SELECT
 * BENCH_PREPARE=true switches postgres.js to named prepared statements. Without them (the api's
 * setting) postgres.js sends Parse/Describe and waits for the parameter types before it binds
 * every query that has parameters: one more round trip per such query, and no pipelining past it.
 *
 * Env: BENCH_DATABASE_URL, BENCH_POOL_MAX, BENCH_ROUTES (JSON: host -> tenant id, relation),
 * BENCH_BARE_MODE (default plain), BENCH_PREPARE (default false).
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import postgres from 'postgres';
import { announceReady } from './lifecycle.ts';

export interface BareRoute {
  tenantId: string;
  /** tasks_pooled, or the tenant's dedicated leaf. */
  relation: string;
}

interface TaskRow {
  id: string;
  project_id: string;
  title: string;
  done: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const PAGE = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const routes = new Map(
  Object.entries(JSON.parse(required('BENCH_ROUTES')) as Record<string, BareRoute>),
);
const sql = postgres(required('BENCH_DATABASE_URL'), {
  max: Number(required('BENCH_POOL_MAX')),
  prepare: process.env.BENCH_PREPARE === 'true',
  idle_timeout: 30,
  connect_timeout: 10,
  onnotice: () => {},
  connection: { application_name: 'tenantkit-bench-bare' },
});

const mode = process.env.BENCH_BARE_MODE ?? 'plain';
if (!['plain', 'tenant-tx', 'tenant-simple'].includes(mode)) throw new Error(`bad mode ${mode}`);

const selectPage = (
  q: postgres.Sql | postgres.ReservedSql,
  route: BareRoute,
  projectId: string,
) => q<TaskRow[]>`
  select tenant_id, id, project_id, title, done, version, created_at, updated_at
  from ${q(route.relation)}
  where tenant_id = ${route.tenantId} and project_id = ${projectId}
  order by id limit ${PAGE + 1}`;

async function tasksPage(route: BareRoute, projectId: string): Promise<TaskRow[]> {
  if (mode === 'plain') return selectPage(sql, route, projectId);
  if (mode === 'tenant-simple') {
    // Inlined into the text below, so nothing but a UUID may get there.
    if (!UUID.test(projectId)) throw new Error('project id is not a UUID');
    const [, rows] = (await sql
      .unsafe(
        `set local app.tenant_id = '${route.tenantId}';
       select tenant_id, id, project_id, title, done, version, created_at, updated_at
       from ${route.relation}
       where tenant_id = '${route.tenantId}' and project_id = '${projectId}'
       order by id limit ${PAGE + 1}`,
      )
      .simple()) as unknown as [unknown, TaskRow[]];
    return rows;
  }
  const conn = await sql.reserve();
  try {
    const context = Promise.all([
      conn`begin`,
      conn`select set_config('app.tenant_id', ${route.tenantId}, true)`,
    ]);
    const rows = await selectPage(conn, route, projectId);
    await context;
    await conn`commit`;
    return rows;
  } catch (error) {
    await conn`rollback`.catch(() => {});
    throw error;
  } finally {
    conn.release();
  }
}

const app = new Hono();
app.get('/v1/projects/:projectId/tasks', async (c) => {
  const route = routes.get(c.req.header('host') ?? '');
  if (!route) return c.json({ title: 'No workspace here' }, 404);
  const rows = await tasksPage(route, c.req.param('projectId'));
  const items = rows.slice(0, PAGE).map((t) => ({
    id: t.id,
    projectId: t.project_id,
    title: t.title,
    done: t.done,
    version: t.version,
    createdAt: t.created_at.toISOString(),
    updatedAt: t.updated_at.toISOString(),
  }));
  const last = items.at(-1);
  const nextCursor =
    rows.length > PAGE && last
      ? Buffer.from(JSON.stringify({ after: last.id })).toString('base64url')
      : null;
  return c.json({ items, nextCursor });
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
server.once('listening', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  announceReady(`http://127.0.0.1:${port}`, async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
    await sql.end({ timeout: 5 });
  });
});

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}
