import { sql } from 'drizzle-orm';
import {
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const tenantStatuses = ['active', 'suspended', 'deleting'] as const;
export const tenantTiers = ['dedicated', 'pooled'] as const;
export type TenantStatus = (typeof tenantStatuses)[number];
export type TenantTier = (typeof tenantTiers)[number];

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  status: text('status', { enum: tenantStatuses }).notNull().default('active'),
  tier: text('tier', { enum: tenantTiers }).notNull().default('pooled'),
  plan: text('plan').notNull().default('free'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const domainKinds = ['platform', 'custom'] as const;
export const domainStatuses = [
  'pending_verification',
  'verified',
  'active',
  'failed',
  'moved',
  'removed',
] as const;
export const certificateStatuses = [
  'none',
  'pending_issuance',
  'issued',
  'renewing',
  'failed',
  'expired',
] as const;

export const tenantDomains = pgTable(
  'tenant_domains',
  {
    tenantId: uuid('tenant_id').notNull(),
    hostname: text('hostname').notNull(),
    kind: text('kind', { enum: domainKinds }).notNull(),
    status: text('status', { enum: domainStatuses }).notNull().default('pending_verification'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    // Lifecycle bookkeeping of custom domains (migration 0010, packages/domains).
    statusReason: text('status_reason'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    verifyDeadline: timestamp('verify_deadline', { withTimezone: true }),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    lastVerifiedAt: timestamp('last_verified_at', { withTimezone: true }),
    danglingSince: timestamp('dangling_since', { withTimezone: true }),
    certStatus: text('cert_status', { enum: certificateStatuses }).notNull().default('none'),
    certReason: text('cert_reason'),
    certNextAttemptAt: timestamp('cert_next_attempt_at', { withTimezone: true }),
    certAttempts: integer('cert_attempts').notNull().default(0),
    certOrderUrl: text('cert_order_url'),
    certPendingKeyEncrypted: text('cert_pending_key_encrypted'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.hostname] }),
    uniqueIndex('tenant_domains_hostname_key').on(t.hostname).where(sql`status <> 'removed'`),
  ],
);

/** The per-tenant token of `_tenantkit-challenge.<domain>` TXT records (packages/domains). */
export const domainChallenges = pgTable('domain_challenges', {
  tenantId: uuid('tenant_id').primaryKey(),
  token: text('token').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
