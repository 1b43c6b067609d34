import { describe, expect, it } from 'vitest';
import type { RoleDefinition } from './builtin-roles.ts';
import { ALL_PERMISSIONS, type Permission } from './catalog.ts';
import {
  can,
  effectivePermissions,
  hasOwnerBinding,
  intersectScopes,
  missing,
  resolveRole,
} from './evaluator.ts';

const customRoles = (...roles: RoleDefinition[]): Map<string, RoleDefinition> =>
  new Map(roles.map((role) => [role.key, role]));

const auditor: RoleDefinition = { key: 'auditor', permissions: ['audit:read', 'members:read'] };
const sorted = (set: ReadonlySet<Permission>): Permission[] => [...set].sort();

describe('effectivePermissions', () => {
  it('is the union of every bound role', () => {
    const effective = effectivePermissions(
      [{ roleKey: 'viewer' }, { roleKey: 'auditor' }],
      customRoles(auditor),
    );
    expect(sorted(effective)).toEqual(['audit:read', 'members:read', 'projects:read']);
  });

  it('grants nothing without bindings', () => {
    expect(effectivePermissions([], customRoles(auditor)).size).toBe(0);
  });

  it('resolves built-in roles without a map', () => {
    expect(sorted(effectivePermissions([{ roleKey: 'owner' }]))).toEqual(
      [...ALL_PERMISSIONS].sort(),
    );
  });

  it('fails closed on a binding to an unknown role', () => {
    const effective = effectivePermissions(
      [{ roleKey: 'deleted-role' }, { roleKey: 'auditor' }],
      customRoles(auditor),
    );
    expect(sorted(effective)).toEqual(['audit:read', 'members:read']);
  });

  it('takes built-in roles from code, never from the map', () => {
    const forged = customRoles(
      { key: 'viewer', permissions: ['keys:manage'] },
      { key: 'owner', permissions: [] },
    );
    expect(sorted(effectivePermissions([{ roleKey: 'viewer' }], forged))).toEqual([
      'members:read',
      'projects:read',
    ]);
    expect(effectivePermissions([{ roleKey: 'owner' }], forged).size).toBe(ALL_PERMISSIONS.length);
    expect(resolveRole('viewer', forged)?.permissions).not.toContain('keys:manage');
  });

  it('drops stored names that are no longer in the catalog', () => {
    const stale = { key: 'legacy', permissions: ['billing:manage', 'audit:read'] as Permission[] };
    expect(sorted(effectivePermissions([{ roleKey: 'legacy' }], customRoles(stale)))).toEqual([
      'audit:read',
    ]);
  });
});

describe('can and missing', () => {
  const effective = effectivePermissions([{ roleKey: 'member' }]);

  it('answers membership', () => {
    expect(can(effective, 'projects:write')).toBe(true);
    expect(can(effective, 'audit:read')).toBe(false);
  });

  it('lists what is missing once, in the order asked', () => {
    expect(
      missing(effective, ['keys:manage', 'projects:read', 'audit:read', 'keys:manage']),
    ).toEqual(['keys:manage', 'audit:read']);
    expect(missing(effective, ['projects:read'])).toEqual([]);
  });
});

describe('intersectScopes', () => {
  it('keeps only requested scopes the holder holds', () => {
    const held = effectivePermissions([{ roleKey: 'member' }]);
    const scoped = intersectScopes(held, ['projects:read', 'audit:read']);
    expect(sorted(scoped)).toEqual(['projects:read']);
  });

  it('drops unknown scope names', () => {
    const held = effectivePermissions([{ roleKey: 'owner' }]);
    expect(sorted(intersectScopes(held, ['projects:read', 'openid', 'toString']))).toEqual([
      'projects:read',
    ]);
  });

  it('shrinks when the holder loses a permission, without reissuing the key', () => {
    const scopes = ['projects:read', 'projects:write'];
    const before = intersectScopes(effectivePermissions([{ roleKey: 'member' }]), scopes);
    const after = intersectScopes(effectivePermissions([{ roleKey: 'viewer' }]), scopes);
    expect(sorted(before)).toEqual(['projects:read', 'projects:write']);
    expect(sorted(after)).toEqual(['projects:read']);
  });

  it('grants nothing for no scopes', () => {
    expect(intersectScopes(effectivePermissions([{ roleKey: 'owner' }]), []).size).toBe(0);
  });
});

describe('hasOwnerBinding', () => {
  it('is true only with an owner binding', () => {
    expect(hasOwnerBinding([{ roleKey: 'admin' }, { roleKey: 'owner' }])).toBe(true);
    expect(hasOwnerBinding([{ roleKey: 'admin' }])).toBe(false);
  });
});
