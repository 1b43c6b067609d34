import { migrate, migrationsDir } from '@tenantkit/db';
import postgres from 'postgres';
import { databaseUrl, TEMPLATE_DATABASE } from './env.ts';

/**
 * vitest globalSetup: builds one migrated template database per run; every test file then
 * clones it (`CREATE DATABASE ... TEMPLATE`), which takes tens of milliseconds instead of
 * re-running migrations.
 */
export default async function setup(): Promise<void> {
  const maintenance = postgres(databaseUrl('postgres'), { max: 1, onnotice: () => {} });
  try {
    await maintenance`drop database if exists ${maintenance(TEMPLATE_DATABASE)} with (force)`;
  } finally {
    await maintenance.end();
  }
  await migrate({ url: databaseUrl(TEMPLATE_DATABASE), dir: migrationsDir });
}
