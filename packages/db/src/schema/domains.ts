import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** State changes of a custom domain's two lifecycles (migration 0010, packages/domains). */
export const domainEvents = pgTable(
  'domain_events',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    hostname: text('hostname').notNull(),
    machine: text('machine', { enum: ['domain', 'certificate'] }).notNull(),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** Issued certificates; the private key only ever stored envelope-encrypted. */
export const domainCertificates = pgTable(
  'domain_certificates',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    hostname: text('hostname').notNull(),
    serial: text('serial').notNull(),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull(),
    notAfter: timestamp('not_after', { withTimezone: true }).notNull(),
    certificatePem: text('certificate_pem').notNull(),
    privateKeyEncrypted: text('private_key_encrypted').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** The platform's account at each ACME directory, its key envelope-encrypted. */
export const acmeAccounts = pgTable('acme_accounts', {
  directoryUrl: text('directory_url').primaryKey(),
  accountUrl: text('account_url'),
  accountKeyEncrypted: text('account_key_encrypted').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
