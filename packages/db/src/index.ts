export { createDatabase, type Database, type DatabaseOptions, type Sql } from './client.ts';
export {
  ConflictError,
  DomainError,
  InvalidInputError,
  NotFoundError,
  type ProblemKind,
  VersionConflictError,
} from './errors.ts';
export { isUuid, uuidv7 } from './ids.ts';
export {
  type MigrateOptions,
  type MigrateResult,
  MigrationError,
  migrate,
} from './migrate/runner.ts';
export { migrationsDir, tenantsDir } from './paths.ts';
export { ReadLanes } from './read-lanes.ts';
export * as schema from './schema/index.ts';
export {
  type InlineSql,
  type InlineValue,
  inlineSql,
  SqlIdentifier,
  sqlIdentifier,
  tenantRead,
} from './tenant-read.ts';
export {
  type CreateTenantInput,
  createTenant,
  type TenantRecord,
} from './tenants/create-tenant.ts';
export {
  ManifestError,
  readTenantManifests,
  type TenantManifest,
  tenantManifestSchema,
} from './tenants/manifest.ts';
export { seedTenant } from './tenants/seed.ts';
export { isoTimestamp } from './timestamps.ts';
export { type TenantTx, withTenant } from './with-tenant.ts';
