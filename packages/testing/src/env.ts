import { deriveAppDatabaseUrl, loadDatabaseConfig } from '@tenantkit/config';

/** What the test run talks to: the services `infra/local/test.sh` found or started. */
export const testServices = (() => {
  const db = loadDatabaseConfig(process.env);
  return {
    adminUrl: db.adminDatabaseUrl,
    redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    platformDomain: db.platformDomain,
  };
})();

/**
 * The migrated template of this run. Each vitest run builds its own (global-setup.ts names it
 * and hands the name to workers through the environment), so runs on one server never drop
 * each other's template.
 */
export function templateDatabase(): string {
  const name = process.env.TENANTKIT_TEST_TEMPLATE;
  if (!name)
    throw new Error('TENANTKIT_TEST_TEMPLATE is unset: run tests through the vitest configs');
  return name;
}

/** The same server as the admin URL, another database, optionally another role. */
export function databaseUrl(name: string, role?: 'app'): string {
  const url = new URL(
    role === 'app' ? deriveAppDatabaseUrl(testServices.adminUrl) : testServices.adminUrl,
  );
  url.pathname = `/${name}`;
  return url.toString();
}
