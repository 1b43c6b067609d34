import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/index.ts';
import { createTestDatabase, makeTenant, type TestDatabase } from './support.ts';

// The isolation rules of ARCHITECTURE.md ("Data isolation"), checked against the catalog of a
// migrated database that also holds a dedicated tenant, so its leaf is checked too.
let testDb: TestDatabase;
let leafName: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  const tenant = await makeTenant(testDb.admin.sql, 'dedicated');
  leafName = schema.dedicatedLeafName(tenant.id);
});
afterAll(async () => {
  await testDb?.drop();
});

interface TenantTable {
  name: string;
  relrowsecurity: boolean;
  relforcerowsecurity: boolean;
}

async function tenantTables(): Promise<TenantTable[]> {
  return testDb.admin.sql<TenantTable[]>`
    select c.relname as name, c.relrowsecurity, c.relforcerowsecurity
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public'
      and c.relkind in ('r', 'p')
      and exists (
        select from pg_attribute a
        where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
      )
    order by c.relname`;
}

describe('tenant tables', () => {
  it('covers every table that holds tenant data, including pooled buckets and dedicated leaves', async () => {
    const names = (await tenantTables()).map((t) => t.name);
    const buckets = Array.from(
      { length: 16 },
      (_, i) => `tasks_pooled_${String(i).padStart(2, '0')}`,
    );
    expect(names).toEqual(
      expect.arrayContaining([
        'tenant_domains',
        'projects',
        'tasks_pooled',
        'tasks_dedicated',
        leafName,
        ...buckets,
      ]),
    );
  });

  it('have row level security enabled and forced', async () => {
    const unprotected = (await tenantTables())
      .filter((t) => !t.relrowsecurity || !t.relforcerowsecurity)
      .map((t) => t.name);
    expect(unprotected).toEqual([]);
  });

  it('have a tenant_isolation policy keyed on app.tenant_id for reads and writes', async () => {
    const rows = await testDb.admin.sql<
      { name: string; qual: string | null; withCheck: string | null }[]
    >`
      select c.relname as name, p.qual, p.with_check as "withCheck"
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      left join pg_policies p
        on p.schemaname = n.nspname and p.tablename = c.relname and p.policyname = 'tenant_isolation'
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and exists (select from pg_attribute a
                    where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)`;
    expect(rows.length).toBeGreaterThan(19);
    const bad = rows
      .filter((r) => !r.qual?.includes('app.tenant_id') || !r.withCheck?.includes('app.tenant_id'))
      .map((r) => r.name);
    expect(bad).toEqual([]);
  });

  it('lead their primary key with tenant_id', async () => {
    const rows = await testDb.admin.sql<{ name: string; first: string | null }[]>`
      select c.relname as name, a.attname as first
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      left join pg_index i on i.indrelid = c.oid and i.indisprimary
      left join pg_attribute a on a.attrelid = c.oid and a.attnum = i.indkey[0]
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and exists (select from pg_attribute t
                    where t.attrelid = c.oid and t.attname = 'tenant_id' and not t.attisdropped)`;
    expect(rows.length).toBeGreaterThan(19);
    expect(rows.filter((r) => r.first !== 'tenant_id').map((r) => r.name)).toEqual([]);
  });

  it('lead every foreign key with tenant_id, pointing at the tenant column of the target', async () => {
    const rows = await testDb.admin.sql<
      { name: string; fk: string; first: string; target: string; targetFirst: string }[]
    >`
      select c.relname as name, k.conname as fk, a.attname as first,
             r.relname as target, ra.attname as "targetFirst"
      from pg_constraint k
      join pg_class c on c.oid = k.conrelid
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
      join pg_class r on r.oid = k.confrelid
      join pg_attribute ra on ra.attrelid = k.confrelid and ra.attnum = k.confkey[1]
      where k.contype = 'f' and n.nspname = 'public'
        and exists (select from pg_attribute t
                    where t.attrelid = c.oid and t.attname = 'tenant_id' and not t.attisdropped)`;
    // tenant_domains and projects -> tenants, both tasks parents, every bucket and the leaf -> projects.
    expect(rows.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'tenant_domains',
        'projects',
        'tasks_pooled',
        'tasks_dedicated',
        leafName,
      ]),
    );
    const bad = rows.filter(
      (r) =>
        r.first !== 'tenant_id' ||
        !((r.target === 'tenants' && r.targetFirst === 'id') || r.targetFirst === 'tenant_id'),
    );
    expect(bad).toEqual([]);
  });
});

describe('the tenant registry', () => {
  it('has row level security enabled and forced on tenants', async () => {
    const [row] = await testDb.admin.sql<
      { relrowsecurity: boolean; relforcerowsecurity: boolean }[]
    >`
      select relrowsecurity, relforcerowsecurity from pg_class where oid = 'public.tenants'::regclass`;
    expect(row).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
  });
});

describe('the runtime role tenantkit_app', () => {
  it('is neither superuser nor able to bypass row level security', async () => {
    const [role] = await testDb.admin.sql<{ rolsuper: boolean; rolbypassrls: boolean }[]>`
      select rolsuper, rolbypassrls from pg_roles where rolname = 'tenantkit_app'`;
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
  });

  it('owns no relation, function, type, schema or the database', async () => {
    const [owned] = await testDb.admin.sql<
      { relations: number; functions: number; types: number; schemas: number; databases: number }[]
    >`
      with app as (select oid from pg_roles where rolname = 'tenantkit_app')
      select
        (select count(*)::int from pg_class where relowner = (select oid from app)) as relations,
        (select count(*)::int from pg_proc where proowner = (select oid from app)) as functions,
        (select count(*)::int from pg_type where typowner = (select oid from app)) as types,
        (select count(*)::int from pg_namespace where nspowner = (select oid from app)) as schemas,
        (select count(*)::int from pg_database
          where datname = current_database() and datdba = (select oid from app)) as databases`;
    expect(owned).toEqual({ relations: 0, functions: 0, types: 0, schemas: 0, databases: 0 });
  });

  it('has plan_cache_mode=force_custom_plan in its role settings', async () => {
    const rows = await testDb.admin.sql<{ setconfig: string[] }[]>`
      select s.setconfig
      from pg_db_role_setting s
      join pg_roles r on r.oid = s.setrole
      where r.rolname = 'tenantkit_app'
        and s.setdatabase in (0, (select oid from pg_database where datname = current_database()))`;
    expect(rows.flatMap((r) => r.setconfig)).toContain('plan_cache_mode=force_custom_plan');
    // ...and a runtime connection actually runs with it.
    const [shown] = await testDb.app.sql<{ plan_cache_mode: string }[]>`show plan_cache_mode`;
    expect(shown?.plan_cache_mode).toBe('force_custom_plan');
  });

  // A dedicated leaf is queried directly, so its grants must copy the parent's: otherwise a
  // dedicated tenant's audit leaf would be writable although the parent is append-only.
  it('has no privilege on a partition that it lacks on the parent', async () => {
    const extra = await testDb.admin.sql<{ partition: string; privilege: string }[]>`
      select c.relname as partition, p.privilege
      from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'])
        as p(privilege)
      where has_table_privilege('tenantkit_app', c.oid, p.privilege)
        and not has_table_privilege('tenantkit_app', i.inhparent, p.privilege)
      order by 1, 2`;
    expect(extra).toEqual([]);
  });

  it('is the role the runtime pool connects as', async () => {
    const [who] = await testDb.app.sql<{ user: string }[]>`select current_user as user`;
    expect(who?.user).toBe('tenantkit_app');
  });
});
