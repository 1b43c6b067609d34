import { describe, expect, it } from 'vitest';
import { BUILTIN_ROLE_KEYS, BUILTIN_ROLES, isBuiltinRole } from './builtin-roles.ts';
import { ALL_PERMISSIONS, type Permission } from './catalog.ts';

describe('built-in roles', () => {
  it('gives owner and admin every permission in the catalog', () => {
    expect([...BUILTIN_ROLES.owner.permissions].sort()).toEqual([...ALL_PERMISSIONS].sort());
    expect([...BUILTIN_ROLES.admin.permissions].sort()).toEqual([...ALL_PERMISSIONS].sort());
  });

  it('gives member and viewer exactly their documented permissions', () => {
    expect([...BUILTIN_ROLES.member.permissions].sort()).toEqual([
      'members:read',
      'projects:read',
      'projects:write',
    ]);
    expect([...BUILTIN_ROLES.viewer.permissions].sort()).toEqual(['members:read', 'projects:read']);
  });

  it('keys each role under its own stable slug', () => {
    expect(BUILTIN_ROLE_KEYS).toEqual(['owner', 'admin', 'member', 'viewer']);
    for (const key of BUILTIN_ROLE_KEYS) expect(BUILTIN_ROLES[key].key).toBe(key);
  });

  it('cannot be changed at runtime', () => {
    const permissions = BUILTIN_ROLES.viewer.permissions as Permission[];
    expect(() => permissions.push('keys:manage')).toThrow(TypeError);
    expect(() => {
      (BUILTIN_ROLES as Record<string, unknown>).viewer = { key: 'viewer', permissions: [] };
    }).toThrow(TypeError);
    expect(BUILTIN_ROLES.viewer.permissions).not.toContain('keys:manage');
  });

  it('tells built-in keys from anything else', () => {
    for (const key of BUILTIN_ROLE_KEYS) expect(isBuiltinRole(key)).toBe(true);
    expect(isBuiltinRole('auditor')).toBe(false);
    expect(isBuiltinRole('Owner')).toBe(false);
    expect(isBuiltinRole('toString')).toBe(false);
  });
});
