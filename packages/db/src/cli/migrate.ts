import { ConfigError, loadDatabaseConfig } from '@tenantkit/config';
import { migrate } from '../migrate/runner.ts';
import { migrationsDir } from '../paths.ts';

try {
  const config = loadDatabaseConfig(process.env);
  const result = await migrate({
    url: config.adminDatabaseUrl,
    dir: migrationsDir,
    log: (line) => console.log(`  ${line}`),
  });
  console.log(`migrations: ${result.applied.length} applied, ${result.skipped} already applied`);
} catch (error) {
  console.error(
    error instanceof ConfigError ? error.message : `migrate failed: ${(error as Error).message}`,
  );
  process.exit(1);
}
