import { describe, expect, it } from 'vitest';
import { parseCustomRole, validateCustomRoleKey } from './custom-roles.ts';
import { InvalidRoleKeyError, ReservedRoleKeyError, UnknownPermissionError } from './errors.ts';

describe('validateCustomRoleKey', () => {
  it('accepts lower-case hyphenated slugs', () => {
    for (const key of ['qa', 'auditor', 'billing-admin', 'team-2-lead', 'a'.repeat(48)]) {
      expect(validateCustomRoleKey(key)).toBe(key);
    }
  });

  it('enforces length limits', () => {
    expect(() => validateCustomRoleKey('a')).toThrow(InvalidRoleKeyError);
    expect(() => validateCustomRoleKey('a'.repeat(49))).toThrow(InvalidRoleKeyError);
  });

  it.each([
    'Auditor',
    'audit team',
    ' auditor',
    '2nd-line',
    '-auditor',
    'auditor-',
    'audit--team',
    'audit_team',
    'audit:team',
    'rôle',
  ])('rejects %j', (key) => {
    expect(() => validateCustomRoleKey(key)).toThrow(InvalidRoleKeyError);
  });

  it('refuses the built-in keys', () => {
    for (const key of ['owner', 'admin', 'member', 'viewer']) {
      expect(() => validateCustomRoleKey(key)).toThrow(ReservedRoleKeyError);
    }
    expect(() => validateCustomRoleKey('owner')).toThrow(
      expect.objectContaining({ problemKind: 'invalid', problemSlug: 'role-key-reserved' }),
    );
  });

  it('does not echo the rejected input', () => {
    expect(() => validateCustomRoleKey('<script>')).toThrow(
      expect.objectContaining({
        problemSlug: 'invalid-role-key',
        message: expect.not.stringContaining('<script>'),
      }),
    );
  });
});

describe('parseCustomRole', () => {
  it('returns the key and the parsed permissions', () => {
    expect(
      parseCustomRole({
        key: 'auditor',
        permissions: ['members:read', 'audit:read', 'audit:read'],
      }),
    ).toEqual({ key: 'auditor', permissions: ['members:read', 'audit:read'] });
  });

  it('rejects unknown permissions', () => {
    expect(() => parseCustomRole({ key: 'auditor', permissions: ['audit:write'] })).toThrow(
      UnknownPermissionError,
    );
  });
});
