import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  inet,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenantPartitioned } from './partitioned.ts';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const tstz = (name: string) => timestamp(name, { withTimezone: true });

export const userStatuses = ['active', 'deactivated'] as const;

export const users = pgTable(
  'users',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    email: text('email').notNull(),
    name: text('name').notNull().default(''),
    status: text('status', { enum: userStatuses }).notNull().default('active'),
    passwordHash: text('password_hash'),
    totpSecret: text('totp_secret'),
    totpEnabledAt: tstz('totp_enabled_at'),
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    lastLoginAt: tstz('last_login_at'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('users_email_key').on(t.tenantId, sql`lower(${t.email})`),
  ],
);

export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    tenantId: uuid('tenant_id').notNull(),
    userId: uuid('user_id').notNull(),
    codeHash: text('code_hash').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId, t.codeHash] })],
);

export const sessions = pgTable(
  'sessions',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: text('id').notNull(),
    userId: uuid('user_id').notNull(),
    secretHash: text('secret_hash').notNull(),
    ip: inet('ip'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    lastSeenAt: tstz('last_seen_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at').notNull(),
    absoluteExpiresAt: tstz('absolute_expires_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('sessions_user_idx').on(t.tenantId, t.userId),
    index('sessions_expiry_idx').on(t.expiresAt),
  ],
);

export const roles = pgTable(
  'roles',
  {
    tenantId: uuid('tenant_id').notNull(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    permissions: text('permissions').array().notNull().default(sql`'{}'`),
    builtin: boolean('builtin').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);

export const principalTypes = ['user', 'client'] as const;
export const bindingSources = ['manual', 'idp'] as const;

export const roleBindings = pgTable(
  'role_bindings',
  {
    tenantId: uuid('tenant_id').notNull(),
    principalType: text('principal_type', { enum: principalTypes }).notNull(),
    principalId: uuid('principal_id').notNull(),
    roleKey: text('role_key').notNull(),
    source: text('source', { enum: bindingSources }).notNull().default('manual'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.principalType, t.principalId, t.roleKey] }),
    index('role_bindings_role_idx').on(t.tenantId, t.roleKey),
  ],
);

export const tenantSecurity = pgTable('tenant_security', {
  tenantId: uuid('tenant_id').primaryKey(),
  mfaRequired: boolean('mfa_required').notNull().default(false),
  ssoRequired: boolean('sso_required').notNull().default(false),
  rbacVersion: bigint('rbac_version', { mode: 'number' }).notNull().default(1),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

export const invitations = pgTable(
  'invitations',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: text('id').notNull(),
    email: text('email').notNull(),
    roleKeys: text('role_keys').array().notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by'),
    expiresAt: tstz('expires_at').notNull(),
    acceptedAt: tstz('accepted_at'),
    revokedAt: tstz('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** Who created an API key; the key's scopes stay capped by that creator's permissions. */
export const credentialCreatorTypes = ['user', 'client'] as const;

export const apiKeys = pgTable(
  'api_keys',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    createdBy: uuid('created_by').notNull(),
    createdByType: text('created_by_type', { enum: credentialCreatorTypes })
      .notNull()
      .default('user'),
    expiresAt: tstz('expires_at'),
    lastUsedAt: tstz('last_used_at'),
    revokedAt: tstz('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export const serviceClients = pgTable(
  'service_clients',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    createdBy: uuid('created_by').notNull(),
    revokedAt: tstz('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export const signingKeys = pgTable(
  'signing_keys',
  {
    tenantId: uuid('tenant_id').notNull(),
    kid: text('kid').notNull(),
    alg: text('alg', { enum: ['ES256'] }).notNull(),
    privateJwk: text('private_jwk').notNull(),
    publicJwk: jsonb('public_jwk').notNull(),
    createdAt: createdAt(),
    activatesAt: tstz('activates_at').notNull(),
    retiresAt: tstz('retires_at').notNull(),
    expiresAt: tstz('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.kid] })],
);

export const actorTypes = ['user', 'client', 'api_key', 'operator', 'system', 'anonymous'] as const;

function auditEventsTable(name: string) {
  return pgTable(
    name,
    {
      tenantId: uuid('tenant_id').notNull(),
      id: uuid('id').notNull(),
      seq: bigint('seq', { mode: 'number' }).notNull(),
      occurredAt: tstz('occurred_at').notNull().defaultNow(),
      actorType: text('actor_type', { enum: actorTypes }).notNull(),
      actorId: text('actor_id'),
      action: text('action').notNull(),
      targetType: text('target_type'),
      targetId: text('target_id'),
      ip: inet('ip'),
      userAgent: text('user_agent'),
      requestId: text('request_id'),
      data: jsonb('data').notNull().default({}),
      prevHash: text('prev_hash').notNull(),
      hash: text('hash').notNull(),
    },
    (t) => [primaryKey({ columns: [t.tenantId, t.id] }), unique().on(t.tenantId, t.seq)],
  );
}
export type AuditEventsTable = ReturnType<typeof auditEventsTable>;

const auditEvents = tenantPartitioned('audit_events', auditEventsTable);
export const auditEventsPooled = auditEvents.pooled;
export const auditEventsDedicated = auditEvents.dedicated;
export const auditEventsRelationFor = auditEvents.relationFor;

export const auditChainHeads = pgTable('audit_chain_heads', {
  tenantId: uuid('tenant_id').primaryKey(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
  lastHash: text('last_hash').notNull(),
});
