import { z } from 'zod';
import { type DomainsConfig, domainsConfigSchema } from './domains.ts';
import { type MailConfig, mailConfigSchema } from './mail.ts';
import { ConfigError, parseEnv } from './parse.ts';
import { type DatabaseConfig, loadDatabaseConfig, secretsKeyRingSchema } from './schemas.ts';

const redisUrl = z
  .string()
  .refine((v) => /^rediss?:\/\//.test(v) && URL.canParse(v), 'must be a redis:// URL');

/**
 * What the worker, the ops app and the `pnpm ops` CLI share: where queues live, how long
 * operators wait before a deleted tenant is purged, and the ops app's own listener.
 */
export const opsConfigSchema = z
  .object({
    REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
    /** Prefix of tenant-cache keys and channels; the api's default is the same. */
    REDIS_KEY_PREFIX: z.string().min(1).max(64).default('tk:'),
    /** BullMQ prefix: queues of different environments (and test files) never meet. */
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_-]{1,64}$/)
      .default('tk-bull'),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    PURGE_GRACE_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 365)
      .default(24 * 30),
    OPS_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
    OPS_HOST: z.string().default('0.0.0.0'),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
    /** Resolvers the domain jobs ask for TXT/CNAME/A records (empty: the system's). */
    DNS_RESOLVERS: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .default([]),
  })
  .transform((env) => ({
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    queuePrefix: env.QUEUE_PREFIX,
    workerConcurrency: env.WORKER_CONCURRENCY,
    deletionGraceMs: Math.round(env.PURGE_GRACE_HOURS * 3_600_000),
    port: env.OPS_PORT,
    host: env.OPS_HOST,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    dnsResolvers: env.DNS_RESOLVERS,
  }));

export type OpsConfig = z.output<typeof opsConfigSchema> & {
  db: DatabaseConfig;
  /** Key ring spec for `parseKeyRing` (operator TOTP secrets are encrypted at rest). */
  secretsKeyRing: string;
  /** Outgoing mail; `smtpUrl` null means the development sender. */
  mail: MailConfig;
  /** Custom domains and ACME, for the worker's domain jobs (packages/config/src/domains.ts). */
  domains: DomainsConfig;
};

export function loadOpsConfig(env: Record<string, string | undefined>): OpsConfig {
  const lines: string[] = [];
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (e) {
      if (e instanceof ConfigError) lines.push(...e.lines);
      else throw e;
      return undefined;
    }
  };
  const db = attempt(() => loadDatabaseConfig(env));
  const ops = attempt(() => parseEnv(opsConfigSchema, env));
  const secrets = attempt(() => parseEnv(secretsKeyRingSchema, env));
  const mail = attempt(() => parseEnv(mailConfigSchema, env));
  const domains = attempt(() => parseEnv(domainsConfigSchema, env));
  if (!db || !ops || secrets === undefined || !mail || !domains) throw new ConfigError(lines);
  return { ...ops, db, secretsKeyRing: secrets, mail, domains };
}
