import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, schema, type TenantRecord, uuidv7, withTenant } from '../src/index.ts';
import { createTestDatabase, makeTenant, sqlState, type TestDatabase } from './support.ts';

// Row level security as the runtime role sees it: every query goes through tenantkit_app
// (testDb.app), seed rows are written as the admin, which bypasses RLS.
let testDb: TestDatabase;
let pooledA: TenantRecord;
let pooledB: TenantRecord;
let dedicatedC: TenantRecord;
let dedicatedD: TenantRecord;
const projectOf = new Map<string, string>();

const RLS_VIOLATION = '42501';
const FK_VIOLATION = '23503';

function tasksParent(tenant: TenantRecord): string {
  return tenant.tier === 'pooled' ? 'tasks_pooled' : 'tasks_dedicated';
}

async function seed(tenant: TenantRecord): Promise<void> {
  const sql = testDb.admin.sql;
  const projectId = uuidv7();
  projectOf.set(tenant.id, projectId);
  await sql`insert into projects (tenant_id, id, name) values (${tenant.id}, ${projectId}, 'Seed')`;
  for (const title of ['one', 'two']) {
    await sql`
      insert into ${sql(tasksParent(tenant))} (tenant_id, id, project_id, title)
      values (${tenant.id}, ${uuidv7()}, ${projectId}, ${title})`;
  }
}

function projectIdOf(tenant: TenantRecord): string {
  const id = projectOf.get(tenant.id);
  if (!id) throw new Error(`no seed project for ${tenant.slug}`);
  return id;
}

async function adminCount(relation: string, tenantId?: string): Promise<number> {
  const sql = testDb.admin.sql;
  const [row] = tenantId
    ? await sql<
        { n: number }[]
      >`select count(*)::int as n from ${sql(relation)} where tenant_id = ${tenantId}`
    : await sql<{ n: number }[]>`select count(*)::int as n from ${sql(relation)}`;
  return row?.n ?? -1;
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  const admin = testDb.admin.sql;
  [pooledA, pooledB, dedicatedC, dedicatedD] = await Promise.all([
    makeTenant(admin, 'pooled'),
    makeTenant(admin, 'pooled'),
    makeTenant(admin, 'dedicated'),
    makeTenant(admin, 'dedicated'),
  ]);
  await Promise.all([pooledA, pooledB, dedicatedC, dedicatedD].map(seed));
});
afterAll(async () => {
  await testDb?.drop();
});

describe('without a tenant context', () => {
  it('reads zero rows from every tenant table although rows exist', async () => {
    const app = testDb.app.sql;
    const relations = [
      'tenants',
      'tenant_domains',
      'projects',
      'tasks_pooled',
      'tasks_dedicated',
      schema.dedicatedLeafName(dedicatedC.id),
    ];
    for (const relation of relations) {
      expect(await adminCount(relation)).toBeGreaterThan(0);
      const [row] = await app<{ n: number }[]>`select count(*)::int as n from ${app(relation)}`;
      expect({ relation, n: row?.n }).toEqual({ relation, n: 0 });
    }
  });

  it('refuses every insert with an RLS violation', async () => {
    const app = testDb.app.sql;
    const project = uuidv7();
    expect(
      await sqlState(
        app`insert into projects (tenant_id, id, name) values (${pooledA.id}, ${project}, 'x')`,
      ),
    ).toBe(RLS_VIOLATION);
    expect(
      await sqlState(app`
        insert into tasks_pooled (tenant_id, id, project_id, title)
        values (${pooledA.id}, ${uuidv7()}, ${projectIdOf(pooledA)}, 'x')`),
    ).toBe(RLS_VIOLATION);
    expect(
      await sqlState(app`
        insert into ${app(schema.dedicatedLeafName(dedicatedC.id))} (tenant_id, id, project_id, title)
        values (${dedicatedC.id}, ${uuidv7()}, ${projectIdOf(dedicatedC)}, 'x')`),
    ).toBe(RLS_VIOLATION);
    expect(await adminCount('projects', pooledA.id)).toBe(1);
  });
});

describe('with a tenant context', () => {
  it("refuses a row carrying another tenant's id", async () => {
    const before = await adminCount('projects', pooledB.id);
    const attempt = withTenant(
      testDb.app,
      pooledA.id,
      (tx) =>
        tx.$client`insert into projects (tenant_id, id, name) values (${pooledB.id}, ${uuidv7()}, 'x')`,
    );
    expect(await sqlState(attempt)).toBe(RLS_VIOLATION);
    const dedicated = withTenant(
      testDb.app,
      dedicatedC.id,
      (tx) =>
        tx.$client`
        insert into tasks_dedicated (tenant_id, id, project_id, title)
        values (${dedicatedD.id}, ${uuidv7()}, ${projectIdOf(dedicatedD)}, 'x')`,
    );
    expect(await sqlState(dedicated)).toBe(RLS_VIOLATION);
    expect(await adminCount('projects', pooledB.id)).toBe(before);
  });

  it('sees only its own rows, in either tier and in the registry', async () => {
    for (const tenant of [pooledA, pooledB, dedicatedC, dedicatedD]) {
      const seen = await withTenant(testDb.app, tenant.id, async (tx) => {
        const sql = tx.$client;
        const ids = async (query: Promise<{ id: string }[]>) => (await query).map((r) => r.id);
        return {
          tenants: await ids(sql`select id from tenants`),
          domains: await ids(sql`select distinct tenant_id as id from tenant_domains`),
          projects: await ids(sql`select distinct tenant_id as id from projects`),
          pooled: await ids(sql`select distinct tenant_id as id from tasks_pooled`),
          dedicated: await ids(sql`select distinct tenant_id as id from tasks_dedicated`),
        };
      });
      const own = [tenant.id];
      expect(seen).toEqual({
        tenants: own,
        domains: own,
        projects: own,
        pooled: tenant.tier === 'pooled' ? own : [],
        dedicated: tenant.tier === 'dedicated' ? own : [],
      });
    }
  });

  it("reads zero rows from another tenant's dedicated leaf queried directly", async () => {
    const leafOfD = schema.dedicatedLeafName(dedicatedD.id);
    const count = (tenant: TenantRecord) =>
      withTenant(testDb.app, tenant.id, async (tx) => {
        const [row] = await tx.$client<{ n: number }[]>`
          select count(*)::int as n from ${tx.$client(leafOfD)}`;
        return row?.n;
      });
    expect(await adminCount(leafOfD)).toBeGreaterThan(0);
    expect(await count(dedicatedC)).toBe(0);
    expect(await count(pooledA)).toBe(0);
    expect(await count(dedicatedD)).toBe(await adminCount(leafOfD));
  });

  it("refuses a task that references another tenant's project", async () => {
    for (const [tenant, other] of [
      [pooledA, pooledB],
      [dedicatedC, pooledA],
    ] as const) {
      const insertTask = (projectId: string) =>
        withTenant(
          testDb.app,
          tenant.id,
          (tx) =>
            tx.$client`
            insert into ${tx.$client(tasksParent(tenant))} (tenant_id, id, project_id, title)
            values (${tenant.id}, ${uuidv7()}, ${projectId}, 'cross')`,
        );
      expect(await sqlState(insertTask(projectIdOf(other)))).toBe(FK_VIOLATION);
      // The same insert against its own project goes through.
      expect(await sqlState(insertTask(projectIdOf(tenant)))).toBe('no error');
    }
  });
});

describe('a pooled connection after a tenant transaction', () => {
  it('carries no tenant context into the next transaction', async () => {
    const db = createDatabase({ url: testDb.appUrl, max: 1, applicationName: 'isolation-test' });
    try {
      const during = await withTenant(db, pooledA.id, async (tx) => {
        const [row] = await tx.$client<{ pid: number; n: number }[]>`
          select pg_backend_pid() as pid, (select count(*)::int from projects) as n`;
        return row;
      });
      expect(during?.n).toBe(1);
      const after = await db.sql.begin(async (tx) => {
        const [row] = await tx<
          { pid: number; setting: string | null; projects: number; tasks: number }[]
        >`
          select pg_backend_pid() as pid,
                 current_setting('app.tenant_id', true) as setting,
                 (select count(*)::int from projects) as projects,
                 (select count(*)::int from tasks_pooled) as tasks`;
        return row;
      });
      // Same backend, the setting reverted to '' (not NULL): the nullif in the policy is what
      // turns it into "no tenant" instead of a uuid cast error.
      expect(after).toEqual({ pid: during?.pid, setting: '', projects: 0, tasks: 0 });
    } finally {
      await db.close();
    }
  });
});

describe('concurrent tenant transactions on a small pool', () => {
  it('each transaction only ever sees its own tenant', async () => {
    const db = createDatabase({ url: testDb.appUrl, max: 3, applicationName: 'isolation-test' });
    const tenants = [pooledA, pooledB, dedicatedC, dedicatedD];
    try {
      const runs = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const tenant = tenants[i % tenants.length] as TenantRecord;
          const fails = i % 9 === 0;
          const observed = withTenant(db, tenant.id, async (tx) => {
            // Hold the connection a moment first, so the other transactions queue up behind it.
            await new Promise((resolve) => setTimeout(resolve, i % 2));
            const [row] = await tx.$client<{ setting: string; pid: number; visible: string[] }[]>`
              select current_setting('app.tenant_id') as setting,
                     pg_backend_pid() as pid,
                     array(select tenant_id::text from projects
                           union select tenant_id::text from tasks_pooled
                           union select tenant_id::text from tasks_dedicated
                           union select id::text from tenants) as visible`;
            const result = {
              tenant: tenant.id,
              pid: row?.pid,
              setting: row?.setting,
              visible: row?.visible,
            };
            // Some transactions roll back: they must not leave anything behind either.
            if (fails) throw Object.assign(new Error('planned failure'), { result });
            return result;
          });
          return observed.catch((e: { result: unknown }) => e.result as Awaited<typeof observed>);
        }),
      );
      expect(runs).toHaveLength(200);
      for (const run of runs) {
        expect(run.setting).toBe(run.tenant);
        expect(run.visible).toEqual([run.tenant]);
      }
      // The pool really was shared: 3 backends served all four tenants.
      const pids = new Set(runs.map((r) => r.pid));
      expect(pids.size).toBeLessThanOrEqual(3);
      const tenantsPerPid = [...pids].map(
        (pid) => new Set(runs.filter((r) => r.pid === pid).map((r) => r.tenant)).size,
      );
      expect(Math.max(...tenantsPerPid)).toBeGreaterThan(1);
    } finally {
      await db.close();
    }
  });
});
