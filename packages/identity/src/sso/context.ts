import type { Database, TenantRecord } from '@tenantkit/db';
import type { Redis } from 'ioredis';
import type { AuditActor } from '../audit/index.ts';
import type { KeyRing } from '../crypto/index.ts';
import type { Permission } from '../rbac/index.ts';

export interface SsoDeps {
  db: Database;
  redis: Redis;
  keyPrefix: string;
  keyRing: KeyRing;
  /** Plain-http issuers on loopback only (test IdPs); never in production. */
  allowInsecureIssuers?: boolean;
}

/** What SSO services need: stores, the tenant, who acts, and (for admin work) their permissions. */
export interface SsoContext {
  deps: SsoDeps;
  tenant: Pick<TenantRecord, 'id' | 'tier' | 'name'>;
  actor: AuditActor;
  /** The caller's effective permissions; admin operations check them first. */
  permissions?: ReadonlySet<Permission>;
}

/** `t:{tenant}:sso:...`, the tenant's hash slot, as every other tenant key. */
export const ssoKey = (deps: Pick<SsoDeps, 'keyPrefix'>, tenantId: string, rest: string) =>
  `${deps.keyPrefix}t:{${tenantId}}:sso:${rest}`;
