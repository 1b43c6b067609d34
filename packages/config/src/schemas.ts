import { z } from 'zod';
import { type DomainsConfig, domainsConfigSchema } from './domains.ts';
import { type MailConfig, mailConfigSchema } from './mail.ts';
import { ConfigError, parseEnv } from './parse.ts';

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), 'must be a postgres:// URL');
const redisUrl = z
  .string()
  .refine((v) => /^rediss?:\/\//.test(v) && URL.canParse(v), 'must be a redis:// URL');
const hostname = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9-]{1,63}$/,
    'must be a lower-case hostname',
  );
const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** The runtime role every app process connects as (see db/migrations/0001_roles.sql). */
export const APP_ROLE = 'tenantkit_app';

/** Same server and database as `databaseUrl`, connecting as the runtime role. */
export function deriveAppDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.username = APP_ROLE;
  url.password = '';
  return url.toString();
}

export const databaseConfigSchema = z
  .object({
    DATABASE_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/tenantkit'),
    APP_DATABASE_URL: postgresUrl.optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
    DATABASE_PREPARED_READS: z.coerce.number().int().min(0).max(100_000).default(2000),
    PLATFORM_DOMAIN: hostname.default('tenantkit.localhost'),
    LOG_LEVEL: logLevel.default('info'),
  })
  .transform((env) => ({
    adminDatabaseUrl: env.DATABASE_URL,
    appDatabaseUrl: env.APP_DATABASE_URL ?? deriveAppDatabaseUrl(env.DATABASE_URL),
    poolMax: env.DATABASE_POOL_MAX,
    preparedReadsPerLane: env.DATABASE_PREPARED_READS,
    platformDomain: env.PLATFORM_DOMAIN,
    logLevel: env.LOG_LEVEL,
  }));
export type DatabaseConfig = z.output<typeof databaseConfigSchema>;

const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/**
 * Key-encryption keys for secrets at rest (`kid:<base64 of 32 bytes>`, comma-separated, the
 * first encrypts). Outside production a fixed development ring stands in, so `up.sh` needs no
 * set-up; production refuses to start without a real one.
 */
export const DEV_SECRETS_KEYRING = 'dev:ZGV2ZWxvcG1lbnQtb25seS1rZXktZG8tbm90LXVzZSE=';
export const secretsKeyRingSchema = z
  .object({
    NODE_ENV: z.string().optional(),
    SECRETS_KEYRING: z
      .string()
      .regex(
        /^\s*[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/_=-]{43,44}\s*(,|$)/,
        'must be "kid:<base64 of 32 bytes>,..."',
      )
      .optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SECRETS_KEYRING) {
      ctx.addIssue({
        code: 'custom',
        path: ['SECRETS_KEYRING'],
        message: 'is required in production',
      });
    }
  })
  .transform((env) => env.SECRETS_KEYRING ?? DEV_SECRETS_KEYRING);

export const apiConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
    TRUSTED_PROXIES: csv.default([]),
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
    TENANT_CACHE_TTL_MS: z.coerce.number().int().min(0).default(300_000),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
    API_RATE_LIMIT_SCALE: z.coerce.number().positive().max(1_000_000).default(1),
    DNS_RESOLVERS: csv.default([]),
    SSO_HTTP_ISSUERS: z.enum(['true', 'false']).default('false'),
    NODE_ENV: z.string().optional(),
  })
  .refine((env) => !(env.NODE_ENV === 'production' && env.SSO_HTTP_ISSUERS === 'true'), {
    path: ['SSO_HTTP_ISSUERS'],
    message: 'must not be true in production',
  })
  .transform((env) => ({
    port: env.PORT,
    host: env.HOST,
    redisUrl: env.REDIS_URL,
    trustedProxies: env.TRUSTED_PROXIES,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    tenantCacheTtlMs: env.TENANT_CACHE_TTL_MS,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    dnsResolvers: env.DNS_RESOLVERS,
    ssoAllowInsecureIssuers: env.SSO_HTTP_ISSUERS === 'true',
    apiRateLimitScale: env.API_RATE_LIMIT_SCALE,
  }));
export type ApiConfig = z.output<typeof apiConfigSchema> & {
  /** Key ring spec for `parseKeyRing` (packages/identity). */
  secretsKeyRing: string;
  db: DatabaseConfig;
  /** Outgoing mail; `smtpUrl` null means the development log sender. */
  mail: MailConfig;
  /** Custom domains, HTTPS by SNI, ACME (packages/config/src/domains.ts). */
  domains: DomainsConfig;
};

export function loadDatabaseConfig(env: Record<string, string | undefined>): DatabaseConfig {
  return parseEnv(databaseConfigSchema, env);
}

/** Parses both schemas and reports every bad variable of either in one error. */
export function loadApiConfig(env: Record<string, string | undefined>): ApiConfig {
  const db = collect(() => loadDatabaseConfig(env));
  const api = collect(() => parseEnv(apiConfigSchema, env));
  const secrets = collect(() => parseEnv(secretsKeyRingSchema, env));
  const mail = collect(() => parseEnv(mailConfigSchema, env));
  const domains = collect(() => parseEnv(domainsConfigSchema, env));
  const lines = [...db.lines, ...api.lines, ...secrets.lines, ...mail.lines, ...domains.lines];
  if (!db.value || !api.value || secrets.value === undefined || !mail.value || !domains.value) {
    throw new ConfigError(lines);
  }
  return {
    ...api.value,
    secretsKeyRing: secrets.value,
    db: db.value,
    mail: mail.value,
    domains: domains.value,
  };
}

function collect<T>(parse: () => T): { value?: T; lines: string[] } {
  try {
    return { value: parse(), lines: [] };
  } catch (e) {
    if (e instanceof ConfigError) return { lines: e.lines };
    throw e;
  }
}
