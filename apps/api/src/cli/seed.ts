import { ConfigError, loadDatabaseConfig } from '@tenantkit/config';
import { createDatabase, readTenantManifests, tenantsDir } from '@tenantkit/db';
import { seedDemoTenant } from '../seed.ts';

const dir = process.argv[2] ?? tenantsDir;
let exitCode = 0;
try {
  const config = loadDatabaseConfig(process.env);
  const manifests = await readTenantManifests(dir);
  const admin = createDatabase({
    url: config.adminDatabaseUrl,
    max: 1,
    applicationName: 'tenantkit-seed',
  });
  const app = createDatabase({
    url: config.appDatabaseUrl,
    max: 1,
    applicationName: 'tenantkit-seed',
  });
  try {
    for (const manifest of manifests) {
      const result = await seedDemoTenant({
        admin,
        app,
        manifest,
        platformDomain: config.platformDomain,
      });
      console.log(
        `  ${result.tenant.slug} (${result.tenant.tier}): ${result.created ? 'created' : 'exists'}` +
          `, ${result.projects} demo projects and ${result.members} members written`,
      );
    }
  } finally {
    await Promise.all([admin.close(), app.close()]);
  }
} catch (error) {
  console.error(
    error instanceof ConfigError ? error.message : `seed failed: ${(error as Error).message}`,
  );
  exitCode = 1;
}
process.exit(exitCode);
