import postgres from 'postgres';
import { type MigrationFile, readMigrations } from './files.ts';

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface MigrateOptions {
  /** Admin URL: a role that may create roles and databases. */
  url: string;
  dir: string;
  /** Create the target database when it does not exist (default true). */
  createDatabase?: boolean;
  log?: (line: string) => void;
}

export interface MigrateResult {
  applied: string[];
  skipped: number;
}

const LOCK_KEY = 7_244_127_001; // arbitrary, stable: one migrator per database at a time

/**
 * Applies pending SQL files in order, in one transaction (PostgreSQL DDL is transactional, so
 * a failing file leaves the database exactly as it was), under an advisory lock.
 * Refuses to run when history was edited (checksum), lost (file missing) or rewritten
 * (a new file sorting before an applied one).
 */
export async function migrate({
  url,
  dir,
  createDatabase = true,
  log = () => {},
}: MigrateOptions): Promise<MigrateResult> {
  if (createDatabase) await ensureDatabase(url, log);
  const files = await readMigrations(dir);
  const sql = postgres(url, { max: 1, onnotice: () => {}, prepare: false });
  try {
    return await sql.begin(async (lockTx) => {
      // A second migrator (another pod starting) waits here, then finds nothing pending.
      await lockTx`select pg_advisory_xact_lock(${LOCK_KEY})`;
      await lockTx`
        create table if not exists tenantkit_migrations (
          name text primary key,
          checksum text not null,
          applied_at timestamptz not null default now()
        )`;
      // Byte order, the order readMigrations sorts files in: under a linguistic collation
      // (en_US, ICU) '0002_a_b.sql' sorts before '0002_a.sql' and the last applied is misjudged.
      const rows = await lockTx<{ name: string; checksum: string }[]>`
        select name, checksum from tenantkit_migrations order by name collate "C"`;
      const pending = planPending(files, rows);
      for (const file of pending) {
        log(`applying ${file.name}`);
        await applyFile(lockTx, file);
      }
      return { applied: pending.map((f) => f.name), skipped: files.length - pending.length };
    });
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function planPending(
  files: MigrationFile[],
  applied: { name: string; checksum: string }[],
): MigrationFile[] {
  const byName = new Map(files.map((f) => [f.name, f]));
  for (const row of applied) {
    const file = byName.get(row.name);
    if (!file)
      throw new MigrationError(
        `applied migration ${row.name} is missing from the migrations folder`,
      );
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `applied migration ${row.name} was edited (checksum differs); add a new migration instead`,
      );
    }
  }
  const appliedNames = new Set(applied.map((r) => r.name));
  const lastApplied = applied.at(-1)?.name ?? '';
  const pending = files.filter((f) => !appliedNames.has(f.name));
  const early = pending.find((f) => f.name < lastApplied);
  if (early) {
    throw new MigrationError(
      `migration ${early.name} sorts before the applied ${lastApplied}; rename it`,
    );
  }
  return pending;
}

async function applyFile(tx: postgres.TransactionSql, file: MigrationFile): Promise<void> {
  // Objects belong to the owner role, never to whoever happened to run the migration.
  if (!file.runAsAdmin) await tx`set local role tenantkit_owner`;
  await tx.unsafe(file.sql);
  if (!file.runAsAdmin) await tx`reset role`;
  await tx`insert into tenantkit_migrations (name, checksum) values (${file.name}, ${file.checksum})`;
}

async function ensureDatabase(url: string, log: (line: string) => void): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) throw new MigrationError('DATABASE_URL names no database');
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const sql = postgres(maintenance.toString(), { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select 1 as present from pg_database where datname = ${name}`;
    if (!row) {
      log(`creating database ${name}`);
      // Another migrator may create it between our check and ours: that is success too.
      // PostgreSQL reports the loser as 42P04, or as 23505 on pg_database when both race.
      await sql`create database ${sql(name)}`.catch((error: { code?: string }) => {
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
