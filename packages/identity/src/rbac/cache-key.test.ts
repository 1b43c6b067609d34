import { describe, expect, it } from 'vitest';
import {
  CATALOG_FINGERPRINT,
  decodePermissionSet,
  encodePermissionSet,
  permissionCacheKey,
  rbacVersionKey,
} from './cache-key.ts';
import type { Permission } from './catalog.ts';

const tenant = '0190a8c4-1b2c-7d3e-8f40-123456789abc';
const other = '0190a8c4-1b2c-7d3e-8f40-cba987654321';
const user = '0190a8c4-9999-7d3e-8f40-000000000001';

describe('permissionCacheKey', () => {
  it('scopes the key to the tenant slot and carries fingerprint, version and principal', () => {
    expect(permissionCacheKey(tenant, user, 42)).toBe(
      `t:{${tenant}}:rbac:perms:${CATALOG_FINGERPRINT}:v42:${user}`,
    );
    expect(CATALOG_FINGERPRINT).toMatch(/^[0-9a-f]{8}$/);
  });

  it('changes when the tenant rbac_version is bumped', () => {
    expect(permissionCacheKey(tenant, user, 7)).not.toBe(permissionCacheKey(tenant, user, 8));
  });

  it('differs per tenant and per principal', () => {
    const key = permissionCacheKey(tenant, user, 1);
    expect(permissionCacheKey(other, user, 1)).not.toBe(key);
    expect(permissionCacheKey(tenant, other, 1)).not.toBe(key);
  });

  it('accepts bigint versions like numbers', () => {
    expect(permissionCacheKey(tenant, user, 9n)).toBe(permissionCacheKey(tenant, user, 9));
  });

  it('rejects versions that are not non-negative integers', () => {
    for (const version of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -1n]) {
      expect(() => permissionCacheKey(tenant, user, version)).toThrow(TypeError);
    }
  });

  it('rejects ids that could forge another key or slot', () => {
    for (const id of ['', 'a:b', 'a}b', '{a}', 'a b']) {
      expect(() => permissionCacheKey(id, user, 1)).toThrow(TypeError);
      expect(() => permissionCacheKey(tenant, id, 1)).toThrow(TypeError);
    }
  });
});

describe('rbacVersionKey', () => {
  it('lives in the tenant slot', () => {
    expect(rbacVersionKey(tenant)).toBe(`t:{${tenant}}:rbac:version`);
  });
});

describe('cached permission sets', () => {
  it('round-trip in catalog order', () => {
    const set = new Set<Permission>(['audit:read', 'projects:read']);
    const encoded = encodePermissionSet(set);
    expect(encoded).toBe('projects:read audit:read');
    expect([...decodePermissionSet(encoded)]).toEqual(['projects:read', 'audit:read']);
  });

  it('decode drops names not in the catalog and reads the empty set', () => {
    expect([...decodePermissionSet('projects:read billing:manage toString')]).toEqual([
      'projects:read',
    ]);
    expect(decodePermissionSet('').size).toBe(0);
    expect(encodePermissionSet(new Set())).toBe('');
  });
});
