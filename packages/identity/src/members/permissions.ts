import { type Database, schema, type TenantRecord, type TenantTx, withTenant } from '@tenantkit/db';
import { and, eq, inArray } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { setBounded } from '../bounded-map.ts';
import { forgetNearCopies } from '../near-cache/index.ts';
import {
  decodePermissionSet,
  effectivePermissions,
  encodePermissionSet,
  isBuiltinRole,
  PERMISSION_CACHE_TTL_SECONDS,
  type Permission,
  parsePermissions,
  permissionCacheKey,
  type RoleDefinition,
  rbacVersionKey,
} from '../rbac/index.ts';

export interface PermissionDeps {
  db: Database;
  redis: Redis;
  keyPrefix: string;
}

type Principal = { type: 'user' | 'client'; id: string };

/**
 * A principal's effective permissions, cached in Redis under the tenant's RBAC version: any
 * role or binding change bumps the version (in its transaction, then in Redis after commit),
 * so every cached set of the tenant is abandoned at once. The TTL bounds how long a missed
 * Redis update could matter.
 */
export async function loadPermissions(
  deps: PermissionDeps,
  tenant: Pick<TenantRecord, 'id'>,
  principal: Principal,
  /** The tenant's RBAC version as Redis holds it, when the caller already read it (or null). */
  knownVersion?: string | null,
): Promise<ReadonlySet<Permission>> {
  const version =
    knownVersion != null && Number.isSafeInteger(Number(knownVersion))
      ? Number(knownVersion)
      : await rbacVersion(deps, tenant);
  const localKey = `${principal.type}.${principal.id}@${tenant.id}`;
  const local = localPermissions.get(localKey);
  if (local && local.version === version && Date.now() < local.expiresAt) return local.permissions;
  const key =
    deps.keyPrefix + permissionCacheKey(tenant.id, `${principal.type}.${principal.id}`, version);
  const remember = (permissions: ReadonlySet<Permission>) => {
    rememberLocally(localKey, version, permissions);
    return permissions;
  };
  const cached = await deps.redis.get(key);
  if (cached !== null) return remember(decodePermissionSet(cached));
  const effective = await withTenant(deps.db, tenant.id, async (tx) => {
    // A deactivated member holds nothing, whatever their bindings say: that is what disarms
    // the API keys they created (capped by their creator's permissions). Deactivation and
    // reactivation bump the RBAC version, so cached sets are recomputed either way.
    if (principal.type === 'user' && !(await isActiveUser(tx, tenant.id, principal.id))) {
      return new Set<Permission>();
    }
    const bindings = await tx
      .select({ roleKey: schema.roleBindings.roleKey })
      .from(schema.roleBindings)
      .where(
        and(
          eq(schema.roleBindings.tenantId, tenant.id),
          eq(schema.roleBindings.principalType, principal.type),
          eq(schema.roleBindings.principalId, principal.id),
        ),
      );
    const custom = bindings.map((b) => b.roleKey).filter((k) => !isBuiltinRole(k));
    const roles = new Map<string, RoleDefinition>();
    if (custom.length > 0) {
      const rows = await tx
        .select({ key: schema.roles.key, permissions: schema.roles.permissions })
        .from(schema.roles)
        .where(and(eq(schema.roles.tenantId, tenant.id), inArray(schema.roles.key, custom)));
      for (const row of rows) {
        // A stored name the catalog no longer has grants nothing (fail closed).
        const known = row.permissions.filter((p) => safeParse(p));
        roles.set(row.key, { key: row.key, permissions: parsePermissions(known) });
      }
    }
    return effectivePermissions(bindings, roles);
  });
  await deps.redis.set(key, encodePermissionSet(effective), 'EX', PERMISSION_CACHE_TTL_SECONDS);
  return remember(effective);
}

/**
 * Effective permissions this process computed or read, by principal and tenant, with the
 * RBAC version they were computed at: an entry counts only for the version the caller read
 * (from the near cache, which a bump invalidates everywhere), so a role or binding change
 * abandons these entries exactly as it abandons the Redis copies; the TTL is the Redis one,
 * for the same reason. Saves one Redis round trip per request.
 */
// Sized for one signed-in principal per tenant at 10,000 tenants and then some (a few hundred
// bytes each); oldest out first when full.
const LOCAL_PERMISSIONS_MAX = 100_000;
const localPermissions = new Map<
  string,
  { version: number; permissions: ReadonlySet<Permission>; expiresAt: number }
>();

function rememberLocally(key: string, version: number, permissions: ReadonlySet<Permission>) {
  const expiresAt = Date.now() + PERMISSION_CACHE_TTL_SECONDS * 1000;
  setBounded(localPermissions, key, { version, permissions, expiresAt }, LOCAL_PERMISSIONS_MAX);
}

async function rbacVersion(
  deps: PermissionDeps,
  tenant: Pick<TenantRecord, 'id'>,
): Promise<number> {
  const key = deps.keyPrefix + rbacVersionKey(tenant.id);
  const cached = await deps.redis.get(key);
  if (cached !== null) return Number(cached);
  const [row] = await withTenant(deps.db, tenant.id, (tx) =>
    tx
      .select({ version: schema.tenantSecurity.rbacVersion })
      .from(schema.tenantSecurity)
      .where(eq(schema.tenantSecurity.tenantId, tenant.id)),
  );
  const version = row?.version ?? 1;
  await publishRbacVersion(deps, tenant, version);
  return version;
}

/**
 * Raises the Redis mirror of the RBAC version after a change committed; never lowers it, so a
 * slow writer of an older version cannot bring stale permissions back.
 */
export async function publishRbacVersion(
  deps: Pick<PermissionDeps, 'redis' | 'keyPrefix'>,
  tenant: Pick<TenantRecord, 'id'>,
  version: number,
): Promise<void> {
  const key = deps.keyPrefix + rbacVersionKey(tenant.id);
  await deps.redis.eval(
    "local v = tonumber(redis.call('get', KEYS[1]) or '0') if tonumber(ARGV[1]) > v then redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[2]) end return 1",
    1,
    key,
    String(version),
    String(24 * 60 * 60),
  );
  forgetNearCopies([key]);
}

async function isActiveUser(tx: TenantTx, tenantId: string, userId: string): Promise<boolean> {
  const [row] = await tx
    .select({ status: schema.users.status })
    .from(schema.users)
    .where(and(eq(schema.users.tenantId, tenantId), eq(schema.users.id, userId)));
  return row?.status === 'active';
}

function safeParse(permission: string): boolean {
  try {
    parsePermissions([permission]);
    return true;
  } catch {
    return false;
  }
}
