import type { Database } from '@tenantkit/db';
import type { Redis } from 'ioredis';

/**
 * The shape of a mail transport (the `admin` helper's packages/mail implements it with SMTP).
 * Onboarding only hands it the owner's invitation; it never builds mail itself.
 */
export interface MailSender {
  send(message: { to: string; subject: string; text: string; html?: string }): Promise<void>;
}

/**
 * Creates the DNS record that points `<slug>.<platform domain>` at the platform (a provider of
 * packages/domains in production). Must be idempotent: onboarding calls it again on retry.
 */
export interface PlatformDnsRecords {
  ensurePlatformRecord(input: { hostname: string; tenantId: string }): Promise<void>;
  removePlatformRecord(input: { hostname: string; tenantId: string }): Promise<void>;
}

/** For platform domains that need no record (`*.localhost`, or a wildcard record made once). */
export const wildcardDns: PlatformDnsRecords = {
  async ensurePlatformRecord() {},
  async removePlatformRecord() {},
};

export interface LifecycleDeps {
  /** Admin connection; lifecycle work runs as the owner role (DDL, cross-tenant upkeep). */
  admin: Database;
  /** Runtime-role connection: tenant data is written through `withTenant`, under RLS. */
  app: Database;
  redis: Redis;
  /** Prefix of the tenant cache's keys and channel (`publishTenantChange`). */
  keyPrefix: string;
  platformDomain: string;
  mail: MailSender;
  dns: PlatformDnsRecords;
  /** Base of links mailed to tenants' users; defaults to `https://<slug>.<platform domain>`. */
  tenantBaseUrl?: (slug: string) => string;
}

/** Who asked for a lifecycle change; written to the tenant's audit log. */
export interface LifecycleActor {
  type: 'operator' | 'system';
  id: string;
}
