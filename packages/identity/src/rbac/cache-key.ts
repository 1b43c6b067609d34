import { BUILTIN_ROLE_KEYS, BUILTIN_ROLES } from './builtin-roles.ts';
import { ALL_PERMISSIONS, isPermission, type Permission } from './catalog.ts';

/**
 * Versioned cache of effective permissions.
 *
 * Each tenant has an `rbac_version` counter in Postgres. Every role or binding change bumps it
 * (`update ... set rbac_version = rbac_version + 1 returning rbac_version`) in the same
 * transaction as the change; after commit the new value is written to the Redis mirror at
 * `rbacVersionKey(tenantId)` (only ever raised, never lowered). The version is part of every
 * cache key, so one bump makes every cached entry of the tenant unreachable at once, without
 * scanning or deleting keys; the abandoned entries expire on their TTL.
 *
 * Readers take the version first (Redis, falling back to Postgres), then the bindings.
 * Because the mirror is raised only after commit, a reader that sees the new version also
 * sees the new bindings; a reader that raced the change may store fresh data under the old
 * key, which nobody reads once the version moved. If raising the mirror fails, entries stay
 * stale at most `PERMISSION_CACHE_TTL_SECONDS`.
 *
 * Keys also carry `CATALOG_FINGERPRINT`, a hash of the catalog and the built-in roles, so a
 * release that changes either misses the cache instead of reading sets computed by old code,
 * and old and new app versions running side by side during a deploy never share entries.
 *
 * Cached values hold the *principal's* permissions; scoped credentials apply
 * `intersectScopes` after reading, so one entry serves all of a principal's keys.
 *
 * Key layout follows `@tenantkit/tenancy`'s `tenantKey`: `t:{<tenantId>}:...`, the braces
 * keeping all of a tenant's keys in one Redis Cluster slot.
 */

export const PERMISSION_CACHE_TTL_SECONDS = 300;

// FNV-1a (32-bit): not for security, only to tell catalog versions apart in a key.
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

export const CATALOG_FINGERPRINT: string = fnv1a(
  JSON.stringify([
    ALL_PERMISSIONS,
    BUILTIN_ROLE_KEYS.map((key) => [key, BUILTIN_ROLES[key].permissions]),
  ]),
);

// Ids become key segments: a ':', brace or whitespace could forge another key or slot.
const KEY_SEGMENT = /^[A-Za-z0-9_.-]+$/;

function segment(name: string, value: string): string {
  if (!KEY_SEGMENT.test(value)) throw new TypeError(`${name} is not usable in a cache key`);
  return value;
}

function versionSegment(version: number | bigint): string {
  const valid =
    typeof version === 'bigint' ? version >= 0n : Number.isSafeInteger(version) && version >= 0;
  if (!valid) throw new TypeError('rbac version must be a non-negative integer');
  return version.toString();
}

/** Where the Redis mirror of the tenant's `rbac_version` lives. */
export function rbacVersionKey(tenantId: string): string {
  return `t:{${segment('tenantId', tenantId)}}:rbac:version`;
}

/**
 * The cache key of one principal's effective permissions at one `rbac_version`.
 *
 * @example
 * ```ts
 * permissionCacheKey(tenant.id, user.id, 42);
 * // 't:{<tenant>}:rbac:perms:<fingerprint>:v42:<user>'
 * ```
 */
export function permissionCacheKey(
  tenantId: string,
  principalId: string,
  version: number | bigint,
): string {
  return [
    `t:{${segment('tenantId', tenantId)}}`,
    'rbac:perms',
    CATALOG_FINGERPRINT,
    `v${versionSegment(version)}`,
    segment('principalId', principalId),
  ].join(':');
}

/** A cache value: space-separated names in catalog order (the OAuth `scope` format). */
export function encodePermissionSet(permissions: ReadonlySet<Permission>): string {
  return ALL_PERMISSIONS.filter((permission) => permissions.has(permission)).join(' ');
}

/** Reads a cache value back; anything not in the catalog is dropped (fails closed). */
export function decodePermissionSet(value: string): ReadonlySet<Permission> {
  return new Set(value.split(' ').filter(isPermission));
}
