import { fileURLToPath } from 'node:url';

/** The repository's `db/migrations` folder, found relative to this package. */
export const migrationsDir = fileURLToPath(new URL('../../../db/migrations', import.meta.url));
/** The repository's declarative tenant manifests. */
export const tenantsDir = fileURLToPath(new URL('../../../tenants', import.meta.url));
