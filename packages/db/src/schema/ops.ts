import {
  bigint,
  inet,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true });

export const operatorStatuses = ['active', 'disabled'] as const;

/** Platform operators (db/migrations/0011_ops.sql): a realm apart from tenant members. */
export const operators = pgTable(
  'operators',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull().default(''),
    status: text('status', { enum: operatorStatuses }).notNull().default('active'),
    passwordHash: text('password_hash').notNull(),
    totpSecret: text('totp_secret').notNull(),
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    lastLoginAt: tstz('last_login_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('operators_email_key').on(t.email)],
);

export const operatorSessions = pgTable('operator_sessions', {
  id: text('id').primaryKey(),
  operatorId: uuid('operator_id').notNull(),
  secretHash: text('secret_hash').notNull(),
  ip: inet('ip'),
  userAgent: text('user_agent'),
  createdAt: tstz('created_at').notNull().defaultNow(),
  lastSeenAt: tstz('last_seen_at').notNull().defaultNow(),
  expiresAt: tstz('expires_at').notNull(),
  absoluteExpiresAt: tstz('absolute_expires_at').notNull(),
});

export const tenantDeletions = pgTable('tenant_deletions', {
  tenantId: uuid('tenant_id').primaryKey(),
  requestedBy: text('requested_by').notNull(),
  requestedAt: tstz('requested_at').notNull().defaultNow(),
  purgeAfter: tstz('purge_after').notNull(),
  previousStatus: text('previous_status', { enum: ['active', 'suspended'] }).notNull(),
});

export const tenantPurges = pgTable('tenant_purges', {
  purgedTenantId: uuid('purged_tenant_id').primaryKey(),
  slug: text('slug').notNull(),
  purgedAt: tstz('purged_at').notNull().defaultNow(),
  removed: jsonb('removed').notNull(),
});
