export { ConfigError, parseEnv } from './parse.ts';
export {
  APP_ROLE,
  type ApiConfig,
  apiConfigSchema,
  type DatabaseConfig,
  databaseConfigSchema,
  deriveAppDatabaseUrl,
  loadApiConfig,
  loadDatabaseConfig,
} from './schemas.ts';
