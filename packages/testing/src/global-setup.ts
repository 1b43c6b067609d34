import { randomBytes } from 'node:crypto';
import { migrate, migrationsDir } from '@tenantkit/db';
import postgres from 'postgres';
import { databaseUrl } from './env.ts';

/**
 * vitest globalSetup: builds one migrated template database per run; every test file then
 * clones it (`CREATE DATABASE ... TEMPLATE`), which takes tens of milliseconds instead of
 * re-running migrations. Workers are forked after this runs, so they inherit the name.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const template = `tk_template_${randomBytes(5).toString('hex')}`;
  process.env.TENANTKIT_TEST_TEMPLATE = template;
  await migrate({ url: databaseUrl(template), dir: migrationsDir });
  return async function teardown() {
    const sql = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => {} });
    try {
      await sql`drop database if exists ${sql(template)} with (force)`;
    } finally {
      await sql.end();
    }
  };
}
