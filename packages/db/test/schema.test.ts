import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema, type TenantRecord } from '../src/index.ts';
import { createTestDatabase, makeTenant, type TestDatabase } from './support.ts';

// drizzle's table definitions are written by hand next to the SQL migrations; these tests
// keep the two from drifting apart, in both directions.
let testDb: TestDatabase;
let dedicated: TenantRecord;

beforeAll(async () => {
  testDb = await createTestDatabase();
  dedicated = await makeTenant(testDb.admin.sql, 'dedicated');
});
afterAll(async () => {
  await testDb?.drop();
});

interface ColumnShape {
  name: string;
  type: string;
  notNull: boolean;
  hasDefault: boolean;
}
interface TableShape {
  name: string;
  columns: ColumnShape[];
  primaryKey: string[];
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/** Every drizzle table the schema module exports (parents of partitioned tables included). */
const exportedTables: PgTable[] = (Object.values(schema) as unknown[]).filter(
  (value): value is PgTable => is(value, PgTable),
);
const tableNamed = (name: string) => exportedTables.find((t) => getTableConfig(t).name === name);

function drizzleShape(table: PgTable): TableShape {
  const config = getTableConfig(table);
  return {
    name: config.name,
    columns: config.columns
      .map((c) => ({
        name: c.name,
        type: c.getSQLType(),
        notNull: c.notNull,
        hasDefault: c.hasDefault,
      }))
      .sort(byName),
    primaryKey: [
      ...config.columns.filter((c) => c.primary).map((c) => c.name),
      ...config.primaryKeys.flatMap((pk) => pk.columns.map((c) => c.name)),
    ],
  };
}

async function databaseShape(name: string): Promise<TableShape> {
  const sql = testDb.admin.sql;
  // information_schema spells types the way drizzle's getSQLType does, except arrays.
  const columns = await sql<ColumnShape[]>`
    select column_name as name,
           case when data_type = 'ARRAY'
                then format_type((select typelem from pg_type where typname = udt_name), null) || '[]'
                else data_type end as type,
           is_nullable = 'NO' as "notNull",
           column_default is not null as "hasDefault"
    from information_schema.columns
    where table_schema = 'public' and table_name = ${name}`;
  const primaryKey = await sql<{ name: string }[]>`
    select a.attname as name
    from pg_index i
    cross join lateral unnest(i.indkey) with ordinality as k(attnum, position)
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
    where i.indrelid = ${`public.${name}`}::regclass and i.indisprimary
    order by k.position`;
  return { name, columns: [...columns].sort(byName), primaryKey: primaryKey.map((r) => r.name) };
}

describe('drizzle schema against the migrated database', () => {
  it('exports the tables this test is expected to cover', () => {
    const names = exportedTables.map((t) => getTableConfig(t).name);
    expect(names).toEqual(
      expect.arrayContaining([
        'tenants',
        'tenant_domains',
        'projects',
        'tasks_pooled',
        'tasks_dedicated',
      ]),
    );
  });

  it.each(exportedTables.map((t) => [getTableConfig(t).name, t] as const))(
    '%s has the same columns, types, nullability, defaults and primary key',
    async (_, table) => {
      const expected = drizzleShape(table);
      const actual = await databaseShape(expected.name);
      expect(actual.columns.length).toBeGreaterThan(0);
      expect(expected).toEqual(actual);
    },
  );

  it('matches each dedicated leaf drizzle builds for a tenant (tasks, audit events)', async () => {
    const leaves = [schema.tasksRelationFor(dedicated), schema.auditEventsRelationFor(dedicated)];
    for (const leaf of leaves) {
      const expected = drizzleShape(leaf);
      expect(expected.name).toMatch(new RegExp(`_t_${dedicated.id.replaceAll('-', '')}$`));
      expect(expected).toEqual(await databaseShape(expected.name));
    }
  });

  it('has a drizzle table for every table in the database that is not a partition', async () => {
    const tables = await testDb.admin.sql<{ name: string }[]>`
      select c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
        and c.relname not like 'tenantkit\\_%'
      order by c.relname`;
    expect(tables.length).toBeGreaterThan(5);
    expect(tables.filter((t) => !tableNamed(t.name)).map((t) => t.name)).toEqual([]);
  });

  it('routes a dedicated tenant to its own attached leaf and a pooled tenant to the hash parent', async () => {
    const leaf = getTableConfig(schema.tasksRelationFor(dedicated)).name;
    expect(leaf).toBe(schema.dedicatedLeafName(dedicated.id));
    expect(schema.tasksRelationFor({ ...dedicated, tier: 'pooled' })).toBe(schema.tasksPooled);
    const [row] = await testDb.admin.sql<{ parent: string }[]>`
      select inhparent::regclass::text as parent from pg_inherits
      where inhrelid = ${`public.${leaf}`}::regclass`;
    expect(row?.parent).toBe('tasks_dedicated');
  });
});
