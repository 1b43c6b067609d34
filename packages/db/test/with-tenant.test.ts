import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createDatabase,
  type Database,
  InvalidInputError,
  schema,
  type TenantRecord,
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
