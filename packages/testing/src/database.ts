import { randomBytes } from 'node:crypto';
import { createDatabase, type Database } from '@tenantkit/db';
import postgres from 'postgres';
import { databaseUrl, templateDatabase, testServices } from './env.ts';

export interface TestDatabase {
  name: string;
  adminUrl: string;
  appUrl: string;
  /** Connected as the admin (migrations, onboarding, assertions that must see everything). */
  admin: Database;
  /** Connected as the runtime role, exactly like the api. */
  app: Database;
  drop(): Promise<void>;
}

/** A fresh database cloned from the migrated template, owned by this test file alone. */
export async function createTestDatabase({
  poolMax = 5,
  readLanes = 2,
}: {
  poolMax?: number;
  /** As the api runs (ADR 0013/0014): hot reads on tenant-pinned lanes, prepared. */
  readLanes?: number;
} = {}): Promise<TestDatabase> {
  const name = `tk_test_${randomBytes(6).toString('hex')}`;
  const maintenance = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => {} });
  try {
    await maintenance`create database ${maintenance(name)} template ${maintenance(templateDatabase())}`;
  } finally {
    await maintenance.end();
  }
  const adminUrl = databaseUrl(name);
  const appUrl = databaseUrl(name, 'app');
  const admin = createDatabase({ url: adminUrl, max: 2, applicationName: 'tenantkit-test-admin' });
  const app = createDatabase({
    url: appUrl,
    max: poolMax,
    readLanes,
    applicationName: 'tenantkit-test-app',
  });
  return {
    name,
    adminUrl,
    appUrl,
    admin,
    app,
    async drop() {
      await Promise.all([admin.close(), app.close()]);
      const sql = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => {} });
      try {
        await sql`drop database if exists ${sql(name)} with (force)`;
      } finally {
        await sql.end();
      }
    },
  };
}

export { testServices };
