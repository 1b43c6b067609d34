import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDatabase,
  type Database,
  inlineSql,
  schema,
  sqlIdentifier,
  type TenantRecord,
  tenantRead,
  uuidv7,
} from '../src/index.ts';
import { PreparedReads } from '../src/prepared-reads.ts';
import { createTestDatabase, makeTenant, type TestDatabase } from './support.ts';

let testDb: TestDatabase;
let pooled: TenantRecord;
let other: TenantRecord;
let dedicated: TenantRecord;
const projectOf = new Map<string, string>();

beforeAll(async () => {
  testDb = await createTestDatabase();
  [pooled, other, dedicated] = [
    await makeTenant(testDb.admin.sql, 'pooled'),
    await makeTenant(testDb.admin.sql, 'pooled'),
    await makeTenant(testDb.admin.sql, 'dedicated'),
  ];
  for (const tenant of [pooled, other, dedicated]) {
    const project = uuidv7();
    projectOf.set(tenant.id, project);
    const leaf = tenant.tier === 'pooled' ? 'tasks_pooled' : schema.dedicatedLeafName(tenant.id);
    await testDb.admin.sql`insert into projects (tenant_id, id, name)
      values (${tenant.id}, ${project}, ${`project of ${tenant.slug}`})`;
    await testDb.admin.sql`insert into ${testDb.admin.sql(leaf)} (tenant_id, id, project_id, title)
      select ${tenant.id}, gen_random_uuid(), ${project}, ${tenant.slug} || ' #' || n
      from generate_series(1, 5) as n`;
  }
});
afterAll(async () => {
  await testDb?.drop();
});

/** A database whose hot reads all go to one of two lanes, each preparing up to `capacity`. */
const laned = (capacity = 100): Database =>
  createDatabase({ url: testDb.appUrl, max: 1, readLanes: 2, preparedReadsPerLane: capacity });

const taskTitles = (db: Database, tenant: TenantRecord, limit = 10, asTenant = tenant) => {
  const relation = sqlIdentifier(
    tenant.tier === 'pooled' ? 'tasks_pooled' : schema.dedicatedLeafName(tenant.id),
  );
  return tenantRead<{ title: string }>(
    db,
    asTenant.id,
    inlineSql`select title from ${relation} where tenant_id = ${tenant.id}::uuid
      and project_id = ${projectOf.get(tenant.id) as string}::uuid order by title limit ${limit}`,
  );
};

/** The lanes of a laned database (private to ReadLanes; the tests look inside). */
const lanesOf = (db: Database) =>
  (db.reads as unknown as { lanes: { sql: Database['sql']; prepared: PreparedReads }[] }).lanes;

/** The statements prepared on every backend of the app role, by name. */
const preparedOnServer = async (db: Database) => {
  const rows: { name: string; generic_plans: number; custom_plans: number }[] = [];
  // Each lane is its own connection: ask each of them (lanes are db.reads' private pools).
  for (const lane of lanesOf(db))
    rows.push(
      ...(await lane.sql<typeof rows>`select name, generic_plans::int, custom_plans::int
        from pg_prepared_statements where name like 'tk_read_%'`),
    );
  return rows;
};

describe('tenantRead with prepared reads on lanes', () => {
  it('reads the same rows as inline, through one generic plan per statement and connection', async () => {
    const db = laned();
    const inline = createDatabase({ url: testDb.appUrl, max: 2 });
    try {
      for (let i = 0; i < 6; i++) {
        for (const tenant of [pooled, other, dedicated]) {
          const rows = await taskTitles(db, tenant, 3);
          expect(rows.map((r) => r.title)).toEqual([1, 2, 3].map((n) => `${tenant.slug} #${n}`));
          expect(await taskTitles(inline, tenant, 3)).toEqual(rows);
        }
      }
      const statements = await preparedOnServer(db);
      // One shape for the pooled parent, one for the dedicated leaf; at most one per lane each.
      expect(new Set(statements.map((s) => s.name)).size).toBe(2);
      for (const s of statements) expect(s.custom_plans).toBe(0);
      expect(statements.reduce((n, s) => n + s.generic_plans, 0)).toBe(18);
    } finally {
      await Promise.all([db.close(), inline.close()]);
    }
  });

  it('keeps RLS: a prepared read under another tenant context returns nothing', async () => {
    const db = laned();
    try {
      expect(await taskTitles(db, pooled)).toHaveLength(5);
      // Same statement (so the same cached plan), other tenant's context: the policy's
      // InitPlan reads the setting at execution, so nothing comes back.
      expect(await taskTitles(db, pooled, 10, other)).toEqual([]);
      expect(await taskTitles(db, dedicated, 10, pooled)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("leaves nothing behind: no tenant setting, the role's plan_cache_mode", async () => {
    const db = createDatabase({ url: testDb.appUrl, max: 1, readLanes: 2 });
    try {
      await taskTitles(db, pooled);
      for (const lane of lanesOf(db)) {
        const [state] = await lane.sql<{ tenant: string | null; mode: string }[]>`
          select nullif(current_setting('app.tenant_id', true), '') as tenant,
                 current_setting('plan_cache_mode') as mode`;
        expect(state).toEqual({ tenant: null, mode: 'force_custom_plan' });
      }
    } finally {
      await db.close();
    }
  });

  it('deallocates the least recently used statement beyond its capacity', async () => {
    const db = laned(2);
    try {
      // Four shapes by their column lists (the limit is a parameter, so it makes no new one).
      const shapes = [
        inlineSql`title`,
        inlineSql`id::text as title`,
        inlineSql`project_id::text as title`,
        inlineSql`'x' as title`,
      ];
      for (const columns of shapes) {
        for (let i = 0; i < 4; i++)
          await tenantRead(
            db,
            pooled.id,
            inlineSql`select ${columns} from tasks_pooled
              where tenant_id = ${pooled.id}::uuid limit ${1 + i}`,
          );
      }
      // Sequential reads all go to the tenant's first lane (neither is busier). The shape of
      // taskTitles is a fifth; the second read sends the deallocation the first one queued.
      await taskTitles(db, pooled);
      await taskTitles(db, pooled);
      expect(
        lanesOf(db)
          .map((lane) => lane.prepared.size)
          .sort(),
      ).toEqual([0, 2]);
      expect(await preparedOnServer(db)).toHaveLength(2);
    } finally {
      await db.close();
    }
  });

  it('recovers when the connection lost its statements (a new backend)', async () => {
    const db = laned();
    try {
      expect(await taskTitles(db, dedicated)).toHaveLength(5);
      // As after a reconnect, or a pooler handing out another backend: the server forgot.
      for (const lane of lanesOf(db)) await lane.sql`deallocate all`;
      expect(await taskTitles(db, dedicated)).toHaveLength(5);
      expect(await taskTitles(db, dedicated)).toHaveLength(5);
    } finally {
      await db.close();
    }
  });

  it('reads a statement whose parameter has no type from context inline instead', async () => {
    const db = laned();
    try {
      const hostile = "x'); deallocate all; select ('";
      for (let i = 0; i < 3; i++) {
        const rows = await tenantRead<{ v: string }>(
          db,
          pooled.id,
          inlineSql`select ${hostile} as v`,
        );
        expect(rows).toEqual([{ v: hostile }]);
      }
    } finally {
      await db.close();
    }
  });

  it('still refuses a second statement, and forgets what the failed message prepared', async () => {
    const db = laned();
    try {
      for (let i = 0; i < 2; i++)
        await expect(
          tenantRead(db, pooled.id, inlineSql`select 1 as a; select 2 as b`),
        ).rejects.toThrow(/exactly one/);
      // With a value after the first statement, PostgreSQL refuses the PREPARE itself.
      await expect(
        tenantRead(db, pooled.id, inlineSql`select 1 as a; select ${'2'}::int as b`),
      ).rejects.toThrow(/no parameter/);
      expect(await taskTitles(db, pooled)).toHaveLength(5);
    } finally {
      await db.close();
    }
  });
});

describe('PreparedReads', () => {
  it('names a statement by its shape, prepares it once, then only executes it', () => {
    const reads = new PreparedReads(10);
    const first = reads.message("set local app.tenant_id = 'x'", 'select $1::int', ['1']);
    expect(first?.text).toMatch(/^prepare (tk_read_[0-9a-f]{32}) as select \$1::int;/);
    const name = first?.text.match(/tk_read_[0-9a-f]{32}/)?.[0];
    const second = reads.message("set local app.tenant_id = 'x'", 'select $1::int', ['2']);
    expect(second?.text).toBe(
      `set local app.tenant_id = 'x';\nset local plan_cache_mode = force_generic_plan;\nexecute ${name}(2)`,
    );
    expect(new PreparedReads(1).message('s', 'select $1::int', ['3'])?.text).toContain(
      `prepare ${name} as`,
    );
  });

  it('after a failure, leads the next message with deallocate all', () => {
    const reads = new PreparedReads(10);
    const message = reads.message('s', 'select 1', []);
    expect(reads.recover(new Error('boom'), 'select 1', message as never)).toBe('fail');
    expect(reads.message('s', 'select 1', [])?.text).toMatch(/^deallocate all;\nprepare /);
  });
});
