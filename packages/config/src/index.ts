export { type DomainsConfig, domainsConfigSchema } from './domains.ts';
export { type MailConfig, mailConfigSchema } from './mail.ts';
export { loadOpsConfig, type OpsConfig, opsConfigSchema } from './ops.ts';
export { ConfigError, parseEnv } from './parse.ts';
export {
  APP_ROLE,
  type ApiConfig,
  apiConfigSchema,
  type DatabaseConfig,
  DEV_SECRETS_KEYRING,
  databaseConfigSchema,
  deriveAppDatabaseUrl,
  loadApiConfig,
  loadDatabaseConfig,
  secretsKeyRingSchema,
} from './schemas.ts';
