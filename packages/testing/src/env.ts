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

export const TEMPLATE_DATABASE = 'tenantkit_test_template';

/** The same server as the admin URL, another database, optionally another role. */
export function databaseUrl(name: string, role?: 'app'): string {
  const url = new URL(
    role === 'app' ? deriveAppDatabaseUrl(testServices.adminUrl) : testServices.adminUrl,
  );
  url.pathname = `/${name}`;
  return url.toString();
}
