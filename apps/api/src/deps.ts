import type { Database, TenantRecord } from '@tenantkit/db';
import type { TenantResolver } from '@tenantkit/tenancy';
import type { MiddlewareHandler } from 'hono';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Everything the api needs from the outside world; built once in main.ts, or by tests. */
export interface ApiDeps {
  db: Database;
  redis: Redis;
  resolver: TenantResolver;
  logger: Logger;
  platformDomain: string;
  trustedProxies: readonly string[];
  bodyLimitBytes: number;
  /**
   * Runs after the tenant is resolved and before every /v1 route: where authentication and
   * authorisation plug in without touching the routes.
   */
  v1Guards?: MiddlewareHandler[];
}

declare module 'hono' {
  interface ContextVariableMap {
    /** The tenant this request's host resolved to (set by `resolveTenant`). */
    tenant: TenantRecord;
    tenantId: string;
  }
}
