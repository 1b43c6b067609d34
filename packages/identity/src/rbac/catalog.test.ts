import { DomainError } from '@tenantkit/db';
import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, isPermission, PERMISSIONS, parsePermissions } from './catalog.ts';
import { UnknownPermissionError } from './errors.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('permission catalog', () => {
  it('holds the permissions the product checks, each described', () => {
    const required = [
      'projects:read',
      'projects:write',
      'members:read',
      'members:manage',
      'roles:read',
      'roles:manage',
      'sessions:manage',
      'sso:manage',
      'domains:manage',
      'audit:read',
      'keys:manage',
      'tenant:manage',
    ];
    expect(ALL_PERMISSIONS).toEqual(expect.arrayContaining(required));
    for (const [name, description] of Object.entries(PERMISSIONS)) {
      expect(name).toMatch(/^[a-z]+:[a-z]+$/);
      expect(description.length).toBeGreaterThan(10);
    }
  });

  it('recognises catalog names only, not inherited object keys', () => {
    expect(isPermission('audit:read')).toBe(true);
    expect(isPermission('projects:delete')).toBe(false);
    expect(isPermission('toString')).toBe(false);
    expect(isPermission('__proto__')).toBe(false);
    expect(isPermission('')).toBe(false);
    expect(isPermission(42)).toBe(false);
  });
});

describe('parsePermissions', () => {
  it('returns known names deduplicated in catalog order', () => {
    expect(parsePermissions(['audit:read', 'projects:read', 'audit:read'])).toEqual([
      'projects:read',
      'audit:read',
    ]);
    expect(parsePermissions([])).toEqual([]);
  });

  it('rejects unknown permissions, naming every one of them', () => {
    const err = thrown(() =>
      parsePermissions(['projects:read', 'projects:delete', 'admin:*', 'projects:delete']),
    );
    expect(err).toBeInstanceOf(UnknownPermissionError);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({
      problemKind: 'invalid',
      problemSlug: 'unknown-permission',
      problemExtensions: { unknownPermissions: ['projects:delete', 'admin:*'] },
    });
    expect((err as Error).message).toBe('Unknown permissions: projects:delete, admin:*');
  });

  it('is case-sensitive: near misses are unknown', () => {
    expect(() => parsePermissions(['Projects:Read'])).toThrow(UnknownPermissionError);
    expect(() => parsePermissions([' projects:read'])).toThrow(UnknownPermissionError);
  });

  it('bounds what it echoes back', () => {
    const names = Array.from({ length: 20 }, (_, i) => `x${i}:${'y'.repeat(200)}`);
    const err = thrown(() => parsePermissions(names)) as UnknownPermissionError;
    expect(err.unknownPermissions).toHaveLength(10);
    for (const name of err.unknownPermissions) expect(name.length).toBeLessThanOrEqual(64);
  });
});
