import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, InvalidInputError, schema, uuidv7, withTenant } from '../src/index.ts';
import { createTestDatabase, PLATFORM_DOMAIN, type TestDatabase, uniqueSlug } from './support.ts';

let testDb: TestDatabase;
/** The tenant-partitioned tables (tasks, audit events, ...): a dedicated tenant gets a leaf of each. */
let bases: string[];

beforeAll(async () => {
  testDb = await createTestDatabase();
  const rows = await testDb.admin.sql<{ base: string }[]>`
    select base from tenantkit_tenant_partitioned order by base`;
  bases = rows.map((r) => r.base);
});
afterAll(async () => {
  await testDb?.drop();
});

const create = (slug: string, tier: 'pooled' | 'dedicated') =>
  createTenant({
    admin: testDb.admin.sql,
    input: { slug, name: `Tenant ${slug}`, tier, platformDomain: PLATFORM_DOMAIN },
  });

/** The leaves a dedicated tenant must have, one per tenant-partitioned table. */
function leavesOf(tenantId: string): string[] {
  expect(bases).toContain('tasks');
  return bases.map((base) => schema.dedicatedLeafName(tenantId, base)).sort();
}

async function dropLeaves(tenantId: string): Promise<void> {
  const sql = testDb.admin.sql;
  for (const leaf of leavesOf(tenantId)) await sql`drop table ${sql(leaf)}`;
}

/** What onboarding left in the database for a slug, seen by the admin. */
async function footprint(slug: string) {
  const sql = testDb.admin.sql;
  const [row] = await sql<
    {
      tenants: number;
      domains: { hostname: string; kind: string; status: string }[];
      leaves: string[];
    }[]
  >`
    select
      (select count(*)::int from tenants where slug = ${slug}) as tenants,
      (select coalesce(json_agg(json_build_object(
                'hostname', d.hostname, 'kind', d.kind, 'status', d.status)), '[]')
         from tenant_domains d join tenants t on t.id = d.tenant_id
         where t.slug = ${slug}) as domains,
      (select coalesce(json_agg(c.relname::text order by c.relname), '[]')
         from pg_inherits i
         join pg_class c on c.oid = i.inhrelid
         join tenants t on t.slug = ${slug}
         where i.inhparent in (select to_regclass(base || '_dedicated') from tenantkit_tenant_partitioned)
           and pg_get_expr(c.relpartbound, c.oid) like '%' || t.id || '%') as leaves`;
  return row;
}

describe('createTenant', () => {
  it('is idempotent by slug: the second call returns the same tenant and creates nothing', async () => {
    const slug = uniqueSlug('twice');
    const first = await create(slug, 'dedicated');
    const second = await create(slug, 'dedicated');
    expect(first.created).toBe(true);
    expect(second).toEqual({ tenant: first.tenant, created: false });
    expect(first.tenant).toMatchObject({ slug, tier: 'dedicated', status: 'active', plan: 'free' });
    expect(await footprint(slug)).toEqual({
      tenants: 1,
      domains: [{ hostname: `${slug}.${PLATFORM_DOMAIN}`, kind: 'platform', status: 'active' }],
      leaves: leavesOf(first.tenant.id),
    });
  });

  it('restores what an interrupted onboarding left out when run again', async () => {
    const slug = uniqueSlug('resume');
    const { tenant } = await create(slug, 'dedicated');
    await testDb.admin.sql`delete from tenant_domains where tenant_id = ${tenant.id}`;
    await dropLeaves(tenant.id);
    expect(await footprint(slug)).toMatchObject({ domains: [], leaves: [] });

    expect((await create(slug, 'dedicated')).created).toBe(false);
    expect(await footprint(slug)).toMatchObject({
      tenants: 1,
      domains: [{ hostname: `${slug}.${PLATFORM_DOMAIN}`, kind: 'platform' }],
      leaves: leavesOf(tenant.id),
    });
  });

  it('gives a dedicated tenant attached, isolated leaves that the runtime role reads under its context', async () => {
    const { tenant } = await create(uniqueSlug('leaf'), 'dedicated');
    const sql = testDb.admin.sql;
    for (const base of bases) {
      const [catalog] = await sql<
        { parent: string; bound: string; rls: boolean; forced: boolean; policy: string | null }[]
      >`
        select i.inhparent::regclass::text as parent,
               pg_get_expr(c.relpartbound, c.oid) as bound,
               c.relrowsecurity as rls,
               c.relforcerowsecurity as forced,
               (select p.qual from pg_policies p
                 where p.tablename = c.relname and p.policyname = 'tenant_isolation') as policy
        from pg_class c join pg_inherits i on i.inhrelid = c.oid
        where c.oid = ${`public.${schema.dedicatedLeafName(tenant.id, base)}`}::regclass`;
      expect(catalog).toMatchObject({
        parent: `${base}_dedicated`,
        bound: `FOR VALUES IN ('${tenant.id}')`,
        rls: true,
        forced: true,
      });
      expect(catalog?.policy).toContain('app.tenant_id');
    }

    const projectId = uuidv7();
    await sql`insert into projects (tenant_id, id, name) values (${tenant.id}, ${projectId}, 'p')`;
    await sql`
      insert into ${sql(schema.dedicatedLeafName(tenant.id))} (tenant_id, id, project_id, title)
      values (${tenant.id}, ${uuidv7()}, ${projectId}, 't')`;
    const tasks = schema.tasksRelationFor(tenant);
    const titles = await withTenant(testDb.app, tenant.id, (tx) =>
      tx.select({ title: tasks.title }).from(tasks),
    );
    expect(titles).toEqual([{ title: 't' }]);
  });

  it('gives a pooled tenant no leaf of its own', async () => {
    const { tenant } = await create(uniqueSlug('pooled'), 'pooled');
    const [row] = await testDb.admin.sql<{ leaf: string | null }[]>`
      select to_regclass(${schema.dedicatedLeafName(tenant.id)})::text as leaf`;
    expect(row?.leaf).toBeNull();
    expect(await footprint(tenant.slug)).toMatchObject({ tenants: 1, leaves: [] });
  });

  it('creates one tenant when five onboardings of the same slug race', async () => {
    const slug = uniqueSlug('race');
    const results = await Promise.all(Array.from({ length: 5 }, () => create(slug, 'dedicated')));
    expect(new Set(results.map((r) => r.tenant.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const id = results[0]?.tenant.id ?? '';
    expect(await footprint(slug)).toEqual({
      tenants: 1,
      domains: [{ hostname: `${slug}.${PLATFORM_DOMAIN}`, kind: 'platform', status: 'active' }],
      leaves: leavesOf(id),
    });
  });

  it('serialises concurrent re-runs of an interrupted onboarding', async () => {
    const slug = uniqueSlug('rerun');
    const { tenant } = await create(slug, 'dedicated');
    await dropLeaves(tenant.id);

    // All five find the tenant and no leaves; only one may create them.
    const results = await Promise.all(Array.from({ length: 5 }, () => create(slug, 'dedicated')));
    expect(results.map((r) => r.created)).toEqual([false, false, false, false, false]);
    expect(await footprint(slug)).toMatchObject({ tenants: 1, leaves: leavesOf(tenant.id) });
  });

  it.each(['Upper', '-leading', 'trailing-', 'under_score', 'dot.ted', '', 'a'.repeat(64)])(
    'rejects the slug %j with InvalidInputError and writes nothing',
    async (slug) => {
      const count = async () =>
        (await testDb.admin.sql<{ n: number }[]>`select count(*)::int as n from tenants`)[0]?.n;
      const before = await count();
      await expect(create(slug, 'pooled')).rejects.toBeInstanceOf(InvalidInputError);
      expect(await count()).toBe(before);
    },
  );
});
