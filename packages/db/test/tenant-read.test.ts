import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDatabase,
  InvalidInputError,
  inlineSql,
  isoTimestamp,
  ReadLanes,
  schema,
  sqlIdentifier,
  type TenantRecord,
  tenantRead,
  uuidv7,
} from '../src/index.ts';
import { createTestDatabase, makeTenant, type TestDatabase } from './support.ts';

let testDb: TestDatabase;
let pooledA: TenantRecord;
let pooledB: TenantRecord;
let dedicated: TenantRecord;

beforeAll(async () => {
  testDb = await createTestDatabase();
  [pooledA, pooledB, dedicated] = [
    await makeTenant(testDb.admin.sql, 'pooled'),
    await makeTenant(testDb.admin.sql, 'pooled'),
    await makeTenant(testDb.admin.sql, 'dedicated'),
  ];
  for (const tenant of [pooledA, pooledB, dedicated]) {
    await testDb.admin.sql`insert into projects (tenant_id, id, name)
      values (${tenant.id}, ${uuidv7()}, ${`project of ${tenant.slug}`})`;
  }
});
afterAll(async () => {
  await testDb?.drop();
});

const projectNames = (tenant: TenantRecord, filterTenant = tenant.id) =>
  tenantRead<{ name: string }>(
    testDb.app,
    tenant.id,
    inlineSql`select name from projects where tenant_id = ${filterTenant}::uuid`,
  );

describe('tenantRead', () => {
  it("returns the tenant's rows, read as the runtime role under RLS", async () => {
    expect(await projectNames(pooledA)).toEqual([{ name: `project of ${pooledA.slug}` }]);
    expect(await projectNames(dedicated)).toEqual([{ name: `project of ${dedicated.slug}` }]);
  });

  it("sees nothing of another tenant even when the statement asks for that tenant's rows", async () => {
    // The explicit predicate names B, the context is A: RLS still filters to A, so nothing.
    expect(await projectNames(pooledA, pooledB.id)).toEqual([]);
    const relation = sqlIdentifier(schema.dedicatedLeafName(dedicated.id));
    await testDb.admin.sql`insert into ${testDb.admin.sql(relation.quoted.slice(1, -1))}
      (tenant_id, id, project_id, title)
      select tenant_id, ${uuidv7()}, id, 'leaf task' from projects where tenant_id = ${dedicated.id}`;
    const fromLeaf = (tenant: TenantRecord) =>
      tenantRead(testDb.app, tenant.id, inlineSql`select title from ${relation}`);
    expect(await fromLeaf(dedicated)).toEqual([{ title: 'leaf task' }]);
    // The leaf queried directly, under another tenant's context: its own policy refuses.
    expect(await fromLeaf(pooledA)).toEqual([]);
  });

  it('leaves no tenant setting behind on the connection (the implicit transaction ended)', async () => {
    const single = createDatabase({ url: testDb.appUrl, max: 1 });
    try {
      await tenantRead(single, pooledA.id, inlineSql`select 1`);
      const [after] = await single.sql<{ value: string | null }[]>`
        select nullif(current_setting('app.tenant_id', true), '') as value`;
      expect(after?.value).toBeNull();
      expect(await single.sql`select * from projects`).toHaveLength(0);
    } finally {
      await single.close();
    }
  });

  it('keeps concurrent reads of different tenants apart on a small pool', async () => {
    const small = createDatabase({ url: testDb.appUrl, max: 2 });
    try {
      const tenants = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? pooledA : pooledB));
      const results = await Promise.all(
        tenants.map((t) =>
          tenantRead<{ tenant_id: string }>(small, t.id, inlineSql`select tenant_id from projects`),
        ),
      );
      results.forEach((rows, i) => {
        expect(rows.map((r) => r.tenant_id)).toEqual([tenants[i]?.id]);
      });
    } finally {
      await small.close();
    }
  });

  it.each([
    "x'; select * from projects; --",
    "x\\'; select 1; --",
    "'' or true or ''",
    '$$; select 1; $$',
    'ünïcødé \u2028 line',
  ])('stores what looks like SQL as a plain value: %j', async (hostile) => {
    const rows = await tenantRead<{ v: string }>(
      testDb.app,
      pooledA.id,
      inlineSql`select ${hostile}::text as v`,
    );
    expect(rows).toEqual([{ v: hostile }]);
  });

  it('refuses values it cannot inline safely', () => {
    expect(() => inlineSql`select ${'a\0b'}`).toThrow(TypeError);
    expect(() => inlineSql`select ${1.5}`).toThrow(TypeError);
    expect(() => inlineSql`select ${2 ** 60}`).toThrow(TypeError);
    expect(() => inlineSql`select ${{} as never}`).toThrow(TypeError);
    expect(() => sqlIdentifier('tasks"; drop table tasks; --')).toThrow(TypeError);
    expect(inlineSql`select ${-3}, ${true}, ${null}`.text).toBe('select (-3), true, null');
  });

  it('refuses a tenant id that is not a UUID, and SQL text not built by inlineSql', async () => {
    await expect(
      tenantRead(testDb.app, "' or true --", inlineSql`select 1`),
    ).rejects.toBeInstanceOf(InvalidInputError);
    await expect(
      tenantRead(testDb.app, pooledA.id, { text: 'select 1' } as never),
    ).rejects.toBeInstanceOf(TypeError);
  });

  it('refuses a second statement smuggled into the text', async () => {
    await expect(tenantRead(testDb.app, pooledA.id, inlineSql`select 1; select 2`)).rejects.toThrow(
      /exactly one/,
    );
  });
});

describe('isoTimestamp', () => {
  it('turns every fraction PostgreSQL prints into what Date.prototype.toISOString gives', async () => {
    // The pool's drizzle instance makes postgres.js hand timestamps over as PostgreSQL's text.
    const rows = await testDb.app.sql<{ text: string; raw: string }[]>`
      select v::text as text, v as raw from unnest(array[
        '2026-11-26 06:40:12.123456+00', '2026-11-26 06:40:12+00', '2026-11-26 06:40:12.1+00',
        '2026-11-26 06:40:12.999999+00', '1999-01-01 00:00:00.05+00', '2026-02-28 23:59:59.0001+05'
      ]::timestamptz[]) as v`;
    for (const { text, raw } of rows) {
      expect(raw).toBe(text);
      expect(isoTimestamp(raw)).toBe(new Date(raw).toISOString());
    }
    expect(rows[0]?.text).toBe('2026-11-26 06:40:12.123456+00');
  });

  it('falls back to Date for shapes it does not slice', () => {
    expect(isoTimestamp('2026-11-26 06:40:12.5+02')).toBe('2026-11-26T04:40:12.500Z');
  });
});

describe('tenantRead on read lanes', () => {
  it('pins each tenant to two distinct lanes, spread over all of them', () => {
    const lanes = new ReadLanes(() => ({ end: async () => {} }) as never, 5);
    const seen = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      const [a, b] = lanes.lanesOf(uuidv7());
      expect(a).not.toBe(b);
      for (const lane of [a, b]) seen.set(lane, (seen.get(lane) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual([0, 1, 2, 3, 4]);
    for (const count of seen.values()) expect(count).toBeGreaterThan(600);
  });

  it('keeps concurrent reads of many tenants apart, each on its own lanes', async () => {
    const laned = createDatabase({ url: testDb.appUrl, max: 1, readLanes: 3 });
    try {
      const tenants = Array.from({ length: 300 }, (_, i) => [pooledA, pooledB, dedicated][i % 3]);
      const results = await Promise.all(
        tenants.map((t) =>
          tenantRead<{ tenant_id: string; backend: number }>(
            laned,
            t?.id as string,
            inlineSql`select tenant_id, pg_backend_pid() as backend from projects`,
          ),
        ),
      );
      const backends = new Map<string, Set<number>>();
      results.forEach((rows, i) => {
        const id = tenants[i]?.id as string;
        expect(rows.map((r) => r.tenant_id)).toEqual([id]);
        backends.set(id, (backends.get(id) ?? new Set()).add(rows[0]?.backend as number));
      });
      // Never more than the tenant's two lanes.
      for (const pids of backends.values()) expect(pids.size).toBeLessThanOrEqual(2);
      const [after] = await laned.sql<{ value: string | null }[]>`
        select nullif(current_setting('app.tenant_id', true), '') as value`;
      expect(after?.value).toBeNull();
    } finally {
      await laned.close();
    }
  });
});
