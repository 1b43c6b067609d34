import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createDatabase,
  type Database,
  InvalidInputError,
  schema,
  type TenantRecord,
  tenantStatement,
  uuidv7,
  withTenant,
} from '../src/index.ts';
import { createTestDatabase, makeTenant, sqlState, type TestDatabase } from './support.ts';

let testDb: TestDatabase;
let tenant: TenantRecord;

beforeAll(async () => {
  testDb = await createTestDatabase();
  tenant = await makeTenant(testDb.admin.sql, 'pooled');
});
afterAll(async () => {
  await testDb?.drop();
});

async function projectNamed(name: string): Promise<number> {
  const [row] = await testDb.admin.sql<{ n: number }[]>`
    select count(*)::int as n from projects where tenant_id = ${tenant.id} and name = ${name}`;
  return row?.n ?? -1;
}

const insertProject = (name: string) => ({ tenantId: tenant.id, id: uuidv7(), name });

describe('withTenant', () => {
  it.each(['not-a-uuid', '', `${uuidv7()}x`, "' or true --"])(
    'rejects the tenant id %j with InvalidInputError before touching the database',
    async (tenantId) => {
      const reserve = vi.fn();
      const db = { sql: { reserve }, drizzle: {}, close: vi.fn() } as unknown as Database;
      const fn = vi.fn();
      await expect(withTenant(db, tenantId, fn)).rejects.toBeInstanceOf(InvalidInputError);
      expect(reserve).not.toHaveBeenCalled();
      expect(fn).not.toHaveBeenCalled();
    },
  );

  it("returns fn's value once the transaction has committed", async () => {
    const result = await withTenant(testDb.app, tenant.id, async (tx) => {
      await tx.insert(schema.projects).values(insertProject('committed'));
      return { answer: 42 };
    });
    expect(result).toEqual({ answer: 42 });
    expect(await projectNamed('committed')).toBe(1);
  });

  it('rolls back the writes of a fn that throws, and rethrows the same error', async () => {
    const boom = new Error('boom');
    const attempt = withTenant(testDb.app, tenant.id, async (tx) => {
      await tx.insert(schema.projects).values(insertProject('thrown'));
      throw boom;
    });
    await expect(attempt).rejects.toBe(boom);
    expect(await projectNamed('thrown')).toBe(0);
  });

  it('rolls back earlier writes when a later statement in the same call fails', async () => {
    const attempt = withTenant(testDb.app, tenant.id, async (tx) => {
      await tx.insert(schema.projects).values(insertProject('before-failure'));
      // Violates the name length check.
      await tx.insert(schema.projects).values(insertProject(''));
    });
    expect(await sqlState(attempt)).toBe('23514');
    expect(await projectNamed('before-failure')).toBe(0);
  });

  it('does not report success when fn swallows a failed statement', async () => {
    const attempt = withTenant(testDb.app, tenant.id, async (tx) => {
      await tx.insert(schema.projects).values(insertProject('swallowed'));
      await tx
        .insert(schema.projects)
        .values(insertProject(''))
        .catch(() => {});
      return 'looked fine';
    });
    await expect(attempt).rejects.toThrow(/rolled back/);
    expect(await projectNamed('swallowed')).toBe(0);
  });

  it('gives the connection back to the pool after a failure', async () => {
    const db = createDatabase({ url: testDb.appUrl, max: 1, applicationName: 'with-tenant-test' });
    try {
      for (let i = 0; i < 3; i++) {
        const failed = withTenant(db, tenant.id, async (tx) => {
          await tx.$client`select 1 / 0`;
        });
        expect(await sqlState(failed)).toBe('22012');
      }
      // With one connection, a leaked reservation or a transaction left open would make this hang
      // or fail with "current transaction is aborted".
      const [row] = await withTenant(
        db,
        tenant.id,
        (tx) =>
          tx.$client<{ setting: string }[]>`select current_setting('app.tenant_id') as setting`,
      );
      expect(row?.setting).toBe(tenant.id);
    } finally {
      await db.close();
    }
  });
});

describe('tenantStatement', () => {
  it('runs its one statement as the tenant, under RLS, and returns its rows', async () => {
    const other = await makeTenant(testDb.admin.sql, 'pooled');
    await withTenant(testDb.app, tenant.id, (tx) =>
      tx.insert(schema.projects).values(insertProject('statement-own')),
    );
    await withTenant(testDb.app, other.id, (tx) =>
      tx.insert(schema.projects).values({ tenantId: other.id, id: uuidv7(), name: 'theirs' }),
    );
    // No tenant predicate on purpose: RLS alone must hide the other tenant's row.
    const rows = await tenantStatement(
      testDb.app,
      tenant.id,
      (q) =>
        q<{ name: string; setting: string }[]>`
          select name, current_setting('app.tenant_id') as setting from projects`,
    );
    expect(rows.map((r) => r.name)).toContain('statement-own');
    expect(rows.map((r) => r.name)).not.toContain('theirs');
    expect(new Set(rows.map((r) => r.setting))).toEqual(new Set([tenant.id]));
  });

  it('rejects a bad tenant id before touching the database', async () => {
    const reserve = vi.fn();
    const db = { sql: { reserve }, drizzle: {}, close: vi.fn() } as unknown as Database;
    await expect(tenantStatement(db, "' or true --", (q) => q`select 1`)).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(reserve).not.toHaveBeenCalled();
  });

  it('rolls back a failed statement and leaves a clean connection behind', async () => {
    const db = createDatabase({ url: testDb.appUrl, max: 1, applicationName: 'with-tenant-test' });
    try {
      for (let i = 0; i < 3; i++) {
        const failed = tenantStatement(db, tenant.id, (q) => q`select 1 / ${0}::int`);
        expect(await sqlState(failed)).toBe('22012');
      }
      const writes = tenantStatement(
        db,
        tenant.id,
        (q) =>
          q`insert into projects (tenant_id, id, name) values (${tenant.id}, ${uuidv7()}, ${''})`,
      );
      expect(await sqlState(writes)).toBe('23514');
      // One connection: an open or aborted transaction left behind would fail this.
      const [row] = await tenantStatement(
        db,
        tenant.id,
        (q) => q<{ setting: string }[]>`select current_setting('app.tenant_id') as setting`,
      );
      expect(row?.setting).toBe(tenant.id);
      const [outside] = await db.sql<{ setting: string | null }[]>`
        select nullif(current_setting('app.tenant_id', true), '') as setting`;
      expect(outside?.setting).toBeNull();
    } finally {
      await db.close();
    }
  });

  it("refuses to write a row for another tenant's id", async () => {
    const other = await makeTenant(testDb.admin.sql, 'pooled');
    const attempt = tenantStatement(
      testDb.app,
      tenant.id,
      (q) =>
        q`insert into projects (tenant_id, id, name) values (${other.id}, ${uuidv7()}, ${'x'})`,
    );
    expect(await sqlState(attempt)).toBe('42501');
  });
});
