/**
 * API keys: long-lived bearer credentials `tk_live_<id>_<secret>` of one tenant. The secret is
 * shown once and stored as SHA-256 (a 256-bit random secret needs no slow hash). Scopes are a
 * subset of the creator's permissions at creation, and stay capped by the creator's current
 * permissions at every use (`intersectScopes`).
 */
import { schema, type TenantRecord, withTenant } from '@tenantkit/db';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { appendAuditEvent } from '../audit/index.ts';
import {
  API_KEY_PREFIX,
  createApiKey,
  parseApiKey,
  sha256Hex,
  verifyApiKeySecret,
} from '../crypto/index.ts';
import { loadPermissions, type PermissionDeps } from '../members/index.ts';
import {
  assertCanGrant,
  assertPermitted,
  intersectScopes,
  isPermission,
  type Permission,
  parsePermissions,
} from '../rbac/index.ts';
import { type Accountable, type MachinesContext, tenantKey } from './context.ts';
import { CredentialNotFoundError, InvalidExpiryError } from './errors.ts';

const { apiKeys, serviceClients } = schema;

export interface ApiKeySummary {
  id: string;
  name: string;
  /** What the owner recognises the key by: `tk_live_<id>_…`. Never the secret. */
  prefix: string;
  scopes: Permission[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const MAX_LIFETIME_MS = 2 * 366 * 24 * 60 * 60 * 1000;
/** last_used_at is written at most once per key per this many seconds (Redis gate). */
export const API_KEY_LAST_USED_GRANULARITY_SECONDS = 60;

const displayPrefix = (id: string) => `${API_KEY_PREFIX}_${id}_…`;

function summary(row: typeof apiKeys.$inferSelect): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    prefix: displayPrefix(row.id),
    // A scope the catalog dropped since is not shown (and grants nothing).
    scopes: row.scopes.filter(isPermission),
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

/** Creates a key; the returned `key` is the only copy of the secret anywhere. */
export async function issueApiKey({
  ctx,
  input,
  now = new Date(),
}: {
  ctx: MachinesContext;
  input: { name: string; scopes: readonly string[]; expiresAt?: Date | null };
  now?: Date;
}): Promise<{ key: string; apiKey: ApiKeySummary }> {
  assertPermitted(ctx.permissions, ['keys:manage']);
  const scopes = parsePermissions(input.scopes);
  assertCanGrant({ actor: ctx.permissions, permissions: scopes });
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt && expiresAt.getTime() <= now.getTime()) {
    throw new InvalidExpiryError('expiresAt must be in the future');
  }
  if (expiresAt && expiresAt.getTime() - now.getTime() > MAX_LIFETIME_MS) {
    throw new InvalidExpiryError('expiresAt must be at most two years ahead');
  }
  const { key, id, secretHash } = createApiKey();
  const { tenant } = ctx;
  const row = await withTenant(ctx.deps.db, tenant.id, async (tx) => {
    const [inserted] = await tx
      .insert(apiKeys)
      .values({
        tenantId: tenant.id,
        id,
        name: input.name,
        secretHash,
        scopes,
        createdBy: ctx.accountable.id,
        createdByType: ctx.accountable.type,
        expiresAt,
      })
      .returning();
    if (!inserted) throw new Error('insert returned no row');
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: id,
      data: { name: input.name, scopes, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return inserted;
  });
  return { key, apiKey: summary(row) };
}

/** Every key of the tenant, newest first, revoked ones included (marked). */
export async function listApiKeys({ ctx }: { ctx: MachinesContext }): Promise<ApiKeySummary[]> {
  assertPermitted(ctx.permissions, ['keys:manage']);
  const { tenant } = ctx;
  const rows = await withTenant(ctx.deps.db, tenant.id, (tx) =>
    tx
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.tenantId, tenant.id))
      .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
      .limit(500),
  );
  return rows.map(summary);
}

/**
 * Revokes a key at once: authentication reads the row on every use, so the next request with
 * it fails. Revoking a revoked key changes nothing and writes no event.
 */
export async function revokeApiKey({
  ctx,
  input,
}: {
  ctx: MachinesContext;
  input: { keyId: string };
}): Promise<void> {
  assertPermitted(ctx.permissions, ['keys:manage']);
  const { tenant } = ctx;
  await withTenant(ctx.deps.db, tenant.id, async (tx) => {
    const revoked = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(apiKeys.tenantId, tenant.id),
          eq(apiKeys.id, input.keyId),
          isNull(apiKeys.revokedAt),
        ),
      )
      .returning({ id: apiKeys.id, name: apiKeys.name });
    if (revoked.length === 0) {
      const [exists] = await tx
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.tenantId, tenant.id), eq(apiKeys.id, input.keyId)));
      if (!exists) throw new CredentialNotFoundError('API key');
      return;
    }
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'api_key.revoked',
      targetType: 'api_key',
      targetId: input.keyId,
      data: { name: revoked[0]?.name },
    });
  });
}

export interface AuthenticatedApiKey {
  keyId: string;
  createdBy: Accountable;
  permissions: ReadonlySet<Permission>;
}

// Compared against when the key id is unknown, so an unknown id costs the same hash and
// comparison as a wrong secret.
const DUMMY_HASH = sha256Hex('tenantkit/api-key/dummy');

/**
 * The key's principal, or null for anything that is not a live key of this tenant: malformed,
 * unknown id (including another tenant's key: RLS and the tenant predicate hide its row),
 * wrong secret, revoked, expired. The effective permissions are the key's scopes capped by
 * what its creator holds now.
 */
export async function authenticateApiKey({
  deps,
  tenant,
  presented,
  now = new Date(),
}: {
  deps: PermissionDeps;
  tenant: Pick<TenantRecord, 'id'>;
  presented: string;
  now?: Date;
}): Promise<AuthenticatedApiKey | null> {
  const parsed = parseApiKey(presented);
  if (!parsed) return null;
  const [row] = await withTenant(deps.db, tenant.id, (tx) =>
    tx
      .select({
        secretHash: apiKeys.secretHash,
        scopes: apiKeys.scopes,
        createdBy: apiKeys.createdBy,
        createdByType: apiKeys.createdByType,
        expiresAt: apiKeys.expiresAt,
        revokedAt: apiKeys.revokedAt,
      })
      .from(apiKeys)
      .where(and(eq(apiKeys.tenantId, tenant.id), eq(apiKeys.id, parsed.id))),
  );
  const secretMatches = verifyApiKeySecret(parsed.secret, row?.secretHash ?? DUMMY_HASH);
  if (!row || !secretMatches || row.revokedAt !== null) return null;
  if (row.expiresAt !== null && row.expiresAt.getTime() <= now.getTime()) return null;
  const createdBy: Accountable = { type: row.createdByType, id: row.createdBy };
  const holder = await creatorPermissions(deps, tenant, createdBy);
  await touchApiKey(deps, tenant, parsed.id, now);
  return { keyId: parsed.id, createdBy, permissions: intersectScopes(holder, row.scopes) };
}

/**
 * What a key's creator holds now: a user's roles (cached under the RBAC version), or a service
 * client's scopes, none once it is revoked, so revoking a client disarms the keys it made.
 */
async function creatorPermissions(
  deps: PermissionDeps,
  tenant: Pick<TenantRecord, 'id'>,
  creator: Accountable,
): Promise<ReadonlySet<Permission>> {
  if (creator.type === 'user') return loadPermissions(deps, tenant, creator);
  const [client] = await withTenant(deps.db, tenant.id, (tx) =>
    tx
      .select({ scopes: serviceClients.scopes })
      .from(serviceClients)
      .where(
        and(
          eq(serviceClients.tenantId, tenant.id),
          eq(serviceClients.id, creator.id),
          isNull(serviceClients.revokedAt),
        ),
      ),
  );
  return new Set((client?.scopes ?? []).filter(isPermission));
}

/**
 * Records the last use at most once a minute per key: a Redis `SET NX EX` decides which
 * request writes, so a busy key costs one UPDATE a minute, not one per request. A failed
 * write only loses a timestamp, never the request.
 */
async function touchApiKey(
  deps: PermissionDeps,
  tenant: Pick<TenantRecord, 'id'>,
  keyId: string,
  now: Date,
): Promise<void> {
  try {
    const gate = tenantKey(deps.keyPrefix, tenant.id, `api-key-used:${keyId}`);
    const first = await deps.redis.set(
      gate,
      '1',
      'EX',
      API_KEY_LAST_USED_GRANULARITY_SECONDS,
      'NX',
    );
    if (first !== 'OK') return;
    await withTenant(deps.db, tenant.id, (tx) =>
      tx
        .update(apiKeys)
        .set({ lastUsedAt: now })
        .where(and(eq(apiKeys.tenantId, tenant.id), eq(apiKeys.id, keyId))),
    );
  } catch {
    // Best effort by design (see above).
  }
}
