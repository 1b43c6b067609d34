/**
 * OAuth2 service clients (client-credentials grant): a client id (uuid) and a secret
 * `tk_cs_<id>_<secret>` shown once and stored as SHA-256. Tokens issued to a client carry at
 * most its scopes, which are at most what its creator held.
 *
 * Revocation must stop the client's outstanding JWTs too, which are otherwise valid until
 * they expire. The revoking transaction writes a Redis tombstone before it commits, and every
 * bearer check reads it (one GET): if Redis is unreachable the revocation fails instead of
 * silently leaving tokens alive. The tombstone outlives every token the client can hold.
 */
import { isUuid, schema, type TenantRecord, uuidv7, withTenant } from '@tenantkit/db';
import { and, desc, eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { appendAuditEvent } from '../audit/index.ts';
import {
  createClientSecret,
  parseClientSecret,
  sha256Hex,
  verifyApiKeySecret,
} from '../crypto/index.ts';
import { forgetNearCopies } from '../near-cache/index.ts';
import {
  assertCanGrant,
  assertPermitted,
  isPermission,
  type Permission,
  parsePermissions,
} from '../rbac/index.ts';
import { DEFAULT_ROTATION_POLICY } from '../tokens/index.ts';
import { type MachinesContext, tenantKey } from './context.ts';
import { CredentialNotFoundError } from './errors.ts';

const { serviceClients } = schema;

export interface ServiceClientSummary {
  clientId: string;
  name: string;
  scopes: Permission[];
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Longer than any token a client holds (lifetime + clock tolerance), with a wide margin. */
const TOMBSTONE_TTL_SECONDS = Math.ceil((DEFAULT_ROTATION_POLICY.tokenLifetimeMs * 6) / 1000);

/** Exists while a service client is revoked (its tokens must stop working at once). */
export const serviceClientRevokedKey = (prefix: string, tenantId: string, clientId: string) =>
  tenantKey(prefix, tenantId, `client-revoked:${clientId}`);

/** Stored scopes the catalog still knows; a dropped one grants nothing. */
const knownScopes = (scopes: readonly string[]): Permission[] => scopes.filter(isPermission);

function summary(row: typeof serviceClients.$inferSelect): ServiceClientSummary {
  return {
    clientId: row.id,
    name: row.name,
    scopes: knownScopes(row.scopes),
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
  };
}

export async function createServiceClient({
  ctx,
  input,
}: {
  ctx: MachinesContext;
  input: { name: string; scopes: readonly string[] };
}): Promise<{ clientSecret: string; client: ServiceClientSummary }> {
  assertPermitted(ctx.permissions, ['keys:manage']);
  const scopes = parsePermissions(input.scopes);
  assertCanGrant({ actor: ctx.permissions, permissions: scopes });
  const { key: clientSecret, secretHash } = createClientSecret();
  const { tenant } = ctx;
  const row = await withTenant(ctx.deps.db, tenant.id, async (tx) => {
    const [inserted] = await tx
      .insert(serviceClients)
      .values({
        tenantId: tenant.id,
        id: uuidv7(),
        name: input.name,
        secretHash,
        scopes,
        createdBy: ctx.accountable.id,
      })
      .returning();
    if (!inserted) throw new Error('insert returned no row');
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'service_client.created',
      targetType: 'service_client',
      targetId: inserted.id,
      data: { name: input.name, scopes },
    });
    return inserted;
  });
  return { clientSecret, client: summary(row) };
}

export async function listServiceClients({
  ctx,
}: {
  ctx: MachinesContext;
}): Promise<ServiceClientSummary[]> {
  assertPermitted(ctx.permissions, ['keys:manage']);
  const { tenant } = ctx;
  const rows = await withTenant(ctx.deps.db, tenant.id, (tx) =>
    tx
      .select()
      .from(serviceClients)
      .where(eq(serviceClients.tenantId, tenant.id))
      .orderBy(desc(serviceClients.createdAt), desc(serviceClients.id))
      .limit(500),
  );
  return rows.map(summary);
}

/** Revokes the client and, before commit, tombstones its outstanding tokens (see above). */
export async function revokeServiceClient({
  ctx,
  input,
}: {
  ctx: MachinesContext;
  input: { clientId: string };
}): Promise<void> {
  assertPermitted(ctx.permissions, ['keys:manage']);
  if (!isUuid(input.clientId)) throw new CredentialNotFoundError('service client');
  const { tenant, deps } = ctx;
  await withTenant(deps.db, tenant.id, async (tx) => {
    const [row] = await tx
      .select({ name: serviceClients.name, revokedAt: serviceClients.revokedAt })
      .from(serviceClients)
      .where(and(eq(serviceClients.tenantId, tenant.id), eq(serviceClients.id, input.clientId)))
      .for('update');
    if (!row) throw new CredentialNotFoundError('service client');
    // Tombstone even when already revoked: a retry after a lost tombstone write repairs it.
    await tombstoneClient(deps.redis, deps.keyPrefix, tenant.id, input.clientId);
    if (row.revokedAt !== null) return;
    await tx
      .update(serviceClients)
      .set({ revokedAt: new Date() })
      .where(and(eq(serviceClients.tenantId, tenant.id), eq(serviceClients.id, input.clientId)));
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'service_client.revoked',
      targetType: 'service_client',
      targetId: input.clientId,
      data: { name: row.name },
    });
  });
}

async function tombstoneClient(redis: Redis, prefix: string, tenantId: string, clientId: string) {
  const key = serviceClientRevokedKey(prefix, tenantId, clientId);
  await redis.set(key, '1', 'EX', TOMBSTONE_TTL_SECONDS);
  forgetNearCopies([key]);
}

/** Whether a client's tokens must be refused now: one Redis GET per bearer request. */
export async function isServiceClientRevoked(
  deps: { redis: Redis; keyPrefix: string },
  tenant: Pick<TenantRecord, 'id'>,
  clientId: string,
): Promise<boolean> {
  return (
    (await deps.redis.exists(serviceClientRevokedKey(deps.keyPrefix, tenant.id, clientId))) === 1
  );
}

export type ClientAuthFailure = 'unknown_client' | 'revoked' | 'bad_secret';

// Compared against when no client matches, so every failure costs the same hash and compare.
const DUMMY_HASH = sha256Hex('tenantkit/client-secret/dummy');

/**
 * Checks client credentials. Every path does one lookup and one constant-time comparison, so
 * unknown, revoked and wrong-secret answers cost the same. Never throws on input.
 */
export async function verifyServiceClientSecret({
  deps,
  tenant,
  clientId,
  clientSecret,
}: {
  deps: MachinesContext['deps'];
  tenant: Pick<TenantRecord, 'id'>;
  clientId: string;
  clientSecret: string;
}): Promise<
  { ok: true; clientId: string; scopes: Permission[] } | { ok: false; reason: ClientAuthFailure }
> {
  const validId = isUuid(clientId);
  // An id that cannot exist is still "looked up", so its answer takes a query like the others.
  const lookupId = validId ? clientId : '00000000-0000-0000-0000-000000000000';
  const [row] = await withTenant(deps.db, tenant.id, (tx) =>
    tx
      .select({
        secretHash: serviceClients.secretHash,
        scopes: serviceClients.scopes,
        revokedAt: serviceClients.revokedAt,
      })
      .from(serviceClients)
      .where(and(eq(serviceClients.tenantId, tenant.id), eq(serviceClients.id, lookupId))),
  );
  const parsed = parseClientSecret(clientSecret);
  const matches = verifyApiKeySecret(parsed?.secret ?? '', row?.secretHash ?? DUMMY_HASH);
  if (!validId || !row) return { ok: false, reason: 'unknown_client' };
  if (!parsed || !matches) return { ok: false, reason: 'bad_secret' };
  if (row.revokedAt !== null) return { ok: false, reason: 'revoked' };
  return { ok: true, clientId, scopes: knownScopes(row.scopes) };
}
