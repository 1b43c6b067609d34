import { deriveAppDatabaseUrl } from '@tenantkit/config';
import { createDatabase, type Database, migrate, migrationsDir } from '@tenantkit/db';
import postgres from 'postgres';

/** The PostgreSQL server every bench uses: DATABASE_URL's server, else the local default. */
export const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  name: string;
  /** Admin (migrations, onboarding, bulk loads, the bare baseline). */
  adminUrl: string;
  /** The runtime role, as the api connects. */
  appUrl: string;
  admin: Database;
  /** A small pool as the runtime role, for set-up that goes through withTenant. */
  app: Database;
  /** Server processes of every connection to this database (the servers' pools included). */
  backendPids(): Promise<number[]>;
  /** Closes the admin pool and drops the database unless `keep`. */
  finish(options: { keep: boolean }): Promise<void>;
}

export function databaseUrl(name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops `name` if it exists and builds it afresh from db/migrations, so every run starts equal. */
export async function createScratchDatabase(
  name: string,
  { adminPoolMax = 4 }: { adminPoolMax?: number } = {},
): Promise<ScratchDatabase> {
  if (!/^tk_bench_[a-z0-9_]+$/.test(name)) throw new Error(`not a bench database name: ${name}`);
  await dropDatabase(name);
  const adminUrl = databaseUrl(name);
  await migrate({ url: adminUrl, dir: migrationsDir });
  const admin = createDatabase({
    url: adminUrl,
    max: adminPoolMax,
    applicationName: 'tenantkit-bench-admin',
  });
  const appUrl = deriveAppDatabaseUrl(adminUrl);
  const app = createDatabase({ url: appUrl, max: 4, applicationName: 'tenantkit-bench-setup' });
  return {
    name,
    adminUrl,
    appUrl,
    admin,
    app,
    async backendPids() {
      const rows = await admin.sql<{ pid: number }[]>`
        select pid from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`;
      return rows.map((r) => r.pid);
    },
    async finish({ keep }) {
      await Promise.all([admin.close(), app.close()]);
      if (!keep) await dropDatabase(name);
    },
  };
}

async function dropDatabase(name: string): Promise<void> {
  const sql = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => {} });
  try {
    await sql`drop database if exists ${sql(name)} with (force)`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
