import type { Database, TenantRecord } from '@tenantkit/db';
import type { DomainPolicy, RoutingTarget, TxtResolver } from '@tenantkit/domains';
import type { KeyRing, NearCache } from '@tenantkit/identity';
import type { MailSender } from '@tenantkit/mail';
import type { TenantResolver } from '@tenantkit/tenancy';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Everything the api needs from the outside world; built once in main.ts, or by tests. */
export interface ApiDeps {
  db: Database;
  redis: Redis;
  resolver: TenantResolver;
  /**
   * In-process copies of the tenant keys every request reads (sessions, RBAC version, MFA
   * policy, client revocations), dropped by Redis's own invalidation messages: `identityCache`
   * in `createIdentityCache`. Started before serving, closed after.
   */
  identityCache: NearCache;
  /** Prefix of every Redis key this deployment writes (sessions, caches, limits). */
  keyPrefix: string;
  logger: Logger;
  platformDomain: string;
  trustedProxies: readonly string[];
  bodyLimitBytes: number;
  /** Key-encryption keys for secrets at rest (signing keys, TOTP, OIDC client secrets). */
  keyRing: KeyRing;
  /** Answers domain-ownership checks (`DNS_RESOLVERS`; tests point it at their own server). */
  dnsResolver: TxtResolver;
  /** Outgoing mail (invitations): SMTP in production, the test server's SMTP in tests. */
  mail: MailSender;
  /** Where customers point custom domains (`DOMAIN_CNAME_TARGET`, `DOMAIN_APEX_ADDRESSES`). */
  domainRouting?: RoutingTarget;
  /** Verification window, backoff, per-plan domain limits; defaults from packages/domains. */
  domainPolicy?: DomainPolicy;
  /** SSO issuers on plain http, loopback only (`SSO_HTTP_ISSUERS`; tests, local). */
  ssoAllowInsecureIssuers?: boolean;
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
