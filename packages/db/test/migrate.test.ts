import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MigrationError, migrate, migrationsDir } from '../src/index.ts';
import { databaseUrl } from './support.ts';

// The runner against empty databases and throwaway migration folders. Files start with the
// run-as-admin header unless a test copies the real 0001_roles.sql (which the owner-role files
// need: it hands the public schema to tenantkit_owner). Creating and dropping databases costs
// seconds on a busy server, so the tests share one that is emptied before each test.
const ADMIN = '-- tenantkit:run-as admin\n';
const databases: string[] = [];
const folders: string[] = [];

async function maintenance<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

/** A name for a database this file will drop; created here unless the runner should do it. */
async function freshDatabase({ create = true } = {}): Promise<string> {
  const name = `tk_migrate_${randomBytes(5).toString('hex')}`;
  databases.push(name);
  if (create) await maintenance((sql) => sql`create database ${sql(name)}`);
  return name;
}

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tk-migrate-'));
  folders.push(dir);
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
  return dir;
}

const clients = new Map<string, postgres.Sql>();

/** Runs `run` on a connection (kept for the whole file) to database `db`. */
async function query<T extends object>(
  db: string,
  run: (sql: postgres.Sql) => Promise<T[]>,
): Promise<T[]> {
  let sql = clients.get(db);
  if (!sql) {
    sql = postgres(databaseUrl(db), { max: 1, prepare: false, onnotice: () => {} });
    clients.set(db, sql);
  }
  return run(sql);
}

const appliedNames = (db: string) =>
  query(
    db,
    (sql) => sql<{ name: string; checksum: string }[]>`
    select name, checksum from tenantkit_migrations order by name`,
  );

const run = (db: string, dir: string, createDatabase = false) =>
  migrate({ url: databaseUrl(db), dir, createDatabase });

/** The message of the runner's refusal; fails the test if it did not refuse. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => new Error('expected the runner to refuse'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MigrationError);
  return (error as Error).message;
}

const threeFiles = {
  // Written out of order on purpose; each file depends on the one before it.
  '0003_third.sql': `${ADMIN}alter table steps add column third boolean;\ninsert into steps (name) values ('0003');`,
  '0001_first.sql': `${ADMIN}create table steps (seq serial primary key, name text not null);\ninsert into steps (name) values ('0001');`,
  '0002_second.sql': `${ADMIN}insert into steps (name) values ('0002');`,
};

let shared: string;

beforeAll(async () => {
  // A linguistic collation, as managed PostgreSQL services default to (en_US): the runner must
  // not depend on the database's idea of name order.
  shared = `tk_migrate_${randomBytes(5).toString('hex')}`;
  databases.push(shared);
  await maintenance(
    (sql) => sql`
      create database ${sql(shared)} template template0
        locale_provider icu icu_locale 'en-US' locale 'C.UTF-8'`,
  );
});
beforeEach(async () => {
  await query(shared, (sql) => sql`drop schema public cascade; create schema public`.simple());
});
afterAll(async () => {
  await Promise.all([...clients.values()].map((sql) => sql.end()));
  await Promise.all(
    databases.map((name) =>
      maintenance((sql) => sql`drop database if exists ${sql(name)} with (force)`),
    ),
  );
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('migrate', () => {
  it('applies files in name order and records their checksums; a second run is a no-op', async () => {
    const db = shared;
    const dir = await folder(threeFiles);

    const first = await run(db, dir);
    expect(first).toEqual({
      applied: ['0001_first.sql', '0002_second.sql', '0003_third.sql'],
      skipped: 0,
    });
    const steps = await query(
      db,
      (sql) => sql<{ name: string }[]>`select name from steps order by seq`,
    );
    expect(steps.map((s) => s.name)).toEqual(['0001', '0002', '0003']);
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(await appliedNames(db)).toEqual([
      { name: '0001_first.sql', checksum: sha(threeFiles['0001_first.sql']) },
      { name: '0002_second.sql', checksum: sha(threeFiles['0002_second.sql']) },
      { name: '0003_third.sql', checksum: sha(threeFiles['0003_third.sql']) },
    ]);

    const second = await run(db, dir);
    expect(second).toEqual({ applied: [], skipped: 3 });
    const again = await query(
      db,
      (sql) => sql<{ n: number }[]>`select count(*)::int as n from steps`,
    );
    expect(again[0]?.n).toBe(3);
  });

  it('refuses an applied file that was edited, naming it, and applies nothing', async () => {
    const db = shared;
    const dir = await folder(threeFiles);
    await run(db, dir);
    await writeFile(
      join(dir, '0002_second.sql'),
      `${ADMIN}insert into steps (name) values ('edited');`,
    );
    await writeFile(join(dir, '0004_fourth.sql'), `${ADMIN}create table fourth ();`);

    const message = await refusal(run(db, dir));
    expect(message).toContain('0002_second.sql');
    expect(message).toMatch(/edited|checksum/);
    expect((await appliedNames(db)).map((r) => r.name)).not.toContain('0004_fourth.sql');
  });

  it('refuses when an applied file is missing from the folder', async () => {
    const db = shared;
    const dir = await folder(threeFiles);
    await run(db, dir);
    await unlink(join(dir, '0002_second.sql'));

    const message = await refusal(run(db, dir));
    expect(message).toContain('0002_second.sql');
    expect(message).toContain('missing');
  });

  it('refuses a new file that sorts before the last applied one', async () => {
    const db = shared;
    const { '0002_second.sql': _skipped, ...withoutSecond } = threeFiles;
    const dir = await folder({
      ...withoutSecond,
      '0003_third.sql': `${ADMIN}insert into steps (name) values ('0003');`,
    });
    expect((await run(db, dir)).applied).toEqual(['0001_first.sql', '0003_third.sql']);
    await writeFile(join(dir, '0002_second.sql'), threeFiles['0002_second.sql']);

    const message = await refusal(run(db, dir));
    expect(message).toContain('0002_second.sql');
    expect((await appliedNames(db)).map((r) => r.name)).toEqual([
      '0001_first.sql',
      '0003_third.sql',
    ]);
  });

  it('judges "sorts before" in file order, not in the database collation', async () => {
    const db = shared;
    // Byte order: 0002_a.sql < 0002_a_a.sql < 0002_a_b.sql; en-US puts 0002_a_b.sql first.
    const dir = await folder({
      '0002_a.sql': `${ADMIN}select 1;`,
      '0002_a_b.sql': `${ADMIN}select 2;`,
    });
    await run(db, dir);
    await writeFile(join(dir, '0002_a_a.sql'), `${ADMIN}select 3;`);

    const message = await refusal(run(db, dir));
    expect(message).toContain('0002_a_a.sql');
  });

  it('leaves nothing applied when a file fails, then applies everything once it is fixed', async () => {
    const db = shared;
    const dir = await folder({
      '0001_first.sql': threeFiles['0001_first.sql'],
      '0002_broken.sql': `${ADMIN}insert into steps (name) values ('0002');\nselect 1 / 0;`,
    });

    await expect(run(db, dir)).rejects.toMatchObject({ code: '22012' });
    const [left] = await query(
      db,
      (sql) => sql<{ steps: string | null; ledger: string | null }[]>`
      select to_regclass('steps')::text as steps, to_regclass('tenantkit_migrations')::text as ledger`,
    );
    expect(left).toEqual({ steps: null, ledger: null });

    await writeFile(join(dir, '0002_broken.sql'), threeFiles['0002_second.sql']);
    expect((await run(db, dir)).applied).toEqual(['0001_first.sql', '0002_broken.sql']);
  });

  it('creates a missing database once and applies each file once when two runners start together', async () => {
    const db = await freshDatabase({ create: false });
    const dir = await folder({
      '0001_first.sql': `${ADMIN}create table runs (file text not null);\ninsert into runs values ('0001');`,
      // Slow enough that the second runner is certainly waiting while the first holds the lock.
      '0002_slow.sql': `${ADMIN}select pg_sleep(0.3);\ninsert into runs values ('0002');`,
    });

    const results = await Promise.all([run(db, dir, true), run(db, dir, true)]);
    const applied = results.map((r) => r.applied).sort((a, b) => a.length - b.length);
    expect(applied).toEqual([[], ['0001_first.sql', '0002_slow.sql']]);
    const runs = await query(
      db,
      (sql) => sql<{ file: string }[]>`select file from runs order by file`,
    );
    expect(runs.map((r) => r.file)).toEqual(['0001', '0002']);
    expect(await appliedNames(db)).toHaveLength(2);
  });

  it('runs files as tenantkit_owner unless they ask to run as the admin', async () => {
    const db = shared;
    const dir = await folder({
      '0002_owned.sql': 'create table owned_by_owner (id int);',
      '0003_admin.sql': `${ADMIN}create table owned_by_admin (id int);`,
    });
    await copyFile(join(migrationsDir, '0001_roles.sql'), join(dir, '0001_roles.sql'));

    await run(db, dir);
    const owners = await query(
      db,
      (sql) => sql<{ relname: string; owner: string }[]>`
      select c.relname, pg_get_userbyid(c.relowner) as owner
      from pg_class c
      where c.relname in ('owned_by_owner', 'owned_by_admin', 'tenantkit_migrations')
      order by c.relname`,
    );
    const [admin] = await query(db, (sql) => sql<{ user: string }[]>`select current_user as user`);
    expect(owners).toEqual([
      { relname: 'owned_by_admin', owner: admin?.user },
      { relname: 'owned_by_owner', owner: 'tenantkit_owner' },
      { relname: 'tenantkit_migrations', owner: admin?.user },
    ]);
  });

  it('refuses a file whose name does not follow NNNN_name.sql', async () => {
    const dir = await folder({
      '0001_first.sql': `${ADMIN}select 1;`,
      '1-Bad.sql': `${ADMIN}select 1;`,
    });
    await expect(
      migrate({ url: databaseUrl('unused'), dir, createDatabase: false }),
    ).rejects.toThrow(/1-Bad\.sql/);
  });
});
