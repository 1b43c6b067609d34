import { randomBytes } from 'node:crypto';

/** Tenants are reached at `<slug>.<PLATFORM_DOMAIN>`, as in a default deployment. */
export const PLATFORM_DOMAIN = 'tenantkit.localhost';

/**
 * The environment of a full api process (parsed by loadApiConfig like in production): the
 * given pool size, warn-level logging, 127.0.0.1 on a free port, and a Redis key prefix of its
 * own so that no run sees another's cached tenants.
 */
export function apiServerEnv(
  adminUrl: string,
  { poolMax, bench }: { poolMax: number; bench: string },
): Record<string, string> {
  return {
    DATABASE_URL: adminUrl,
    DATABASE_POOL_MAX: String(poolMax),
    REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    PLATFORM_DOMAIN,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    BENCH_KEY_PREFIX: `tk:bench:${bench}:${randomBytes(4).toString('hex')}:`,
    // The benches start the api with NODE_ENV=production, which requires a real key ring.
    // The limits are checked (their cost is part of what is measured) but never reached.
    API_RATE_LIMIT_SCALE: '100000',
    SECRETS_KEYRING: `bench:${randomBytes(32).toString('base64')}`,
  };
}
