import type { Database, TenantRecord } from '@tenantkit/db';
import type { KeyRing } from '@tenantkit/identity';
import type { TenantResolver } from '@tenantkit/tenancy';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Everything the api needs from the outside world; built once in main.ts, or by tests. */
export interface ApiDeps {
  db: Database;
  redis: Redis;
  resolver: TenantResolver;
  /** Prefix of every Redis key this deployment writes (sessions, caches, limits). */
  keyPrefix: string;
  logger: Logger;
  platformDomain: string;
  trustedProxies: readonly string[];
  bodyLimitBytes: number;
  /** Key-encryption keys for secrets at rest (signing keys, TOTP, OIDC client secrets). */
  keyRing: KeyRing;
  /** Multiplies every /v1 rate limit (API_RATE_LIMIT_SCALE; load tests only). Default 1. */
  apiRateLimitScale?: number;
}

declare module 'hono' {
  interface ContextVariableMap {
    /** The tenant this request's host resolved to (set by `resolveTenant`). */
    tenant: TenantRecord;
    tenantId: string;
  }
}
