import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const tstz = (name: string) => timestamp(name, { withTimezone: true });

/** ID-token signing algorithms a connection may accept (one per connection). */
export const ssoIdTokenAlgs = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** Per-tenant OIDC connections (db/migrations/0009_sso.sql). */
export const ssoConnections = pgTable(
  'sso_connections',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    issuer: text('issuer').notNull(),
    clientId: text('client_id').notNull(),
    /** Envelope-encrypted; never returned by any route. */
    clientSecret: text('client_secret'),
    scopes: text('scopes').array().notNull().default(sql`'{openid,email,profile}'`),
    idTokenAlg: text('id_token_alg', { enum: ssoIdTokenAlgs }).notNull().default('RS256'),
    claimEmail: text('claim_email').notNull().default('email'),
    claimName: text('claim_name').notNull().default('name'),
    claimGroups: text('claim_groups').notNull().default('groups'),
    groupRoles: jsonb('group_roles').$type<Record<string, string[]>>().notNull().default({}),
    jitEnabled: boolean('jit_enabled').notNull().default(false),
    emailDomains: text('email_domains').array().notNull().default(sql`'{}'`),
    enabled: boolean('enabled').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** Email domains a tenant claims for SSO; `verified_at` once its TXT challenge was seen. */
export const ssoEmailDomains = pgTable(
  'sso_email_domains',
  {
    tenantId: uuid('tenant_id').notNull(),
    domain: text('domain').notNull(),
    verifiedAt: tstz('verified_at'),
    lastCheckedAt: tstz('last_checked_at'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.domain] })],
);

/** External identities: (connection, sub) -> member. */
export const ssoIdentities = pgTable(
  'sso_identities',
  {
    tenantId: uuid('tenant_id').notNull(),
    connectionId: uuid('connection_id').notNull(),
    subject: text('subject').notNull(),
    userId: uuid('user_id').notNull(),
    email: text('email'),
    createdAt: createdAt(),
    lastLoginAt: tstz('last_login_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.connectionId, t.subject] }),
    index('sso_identities_user_idx').on(t.tenantId, t.userId),
  ],
);
