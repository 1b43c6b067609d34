import { DomainError } from '@tenantkit/db';
import { describe, expect, it } from 'vitest';
import { BUILTIN_ROLES, type RoleDefinition } from './builtin-roles.ts';
import {
  BuiltinRoleImmutableError,
  LastOwnerError,
  OwnerMustBeUserError,
  OwnerOnlyError,
  PermissionNotHeldError,
  PermissionRequiredError,
  RbacError,
} from './errors.ts';
import { effectivePermissions, intersectScopes } from './evaluator.ts';
import {
  assertBindingTarget,
  assertCanActOnPrincipal,
  assertCanBind,
  assertCanGrant,
  assertCanModifyRole,
  assertNotLastOwner,
  assertPermitted,
  assertRoleEditable,
} from './guards.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

// A tenant's custom roles, as the service layer would load them.
const roleManager: RoleDefinition = {
  key: 'role-manager',
  permissions: ['roles:read', 'roles:manage', 'members:read', 'projects:read'],
};
const peopleManager: RoleDefinition = {
  key: 'people-manager',
  permissions: ['members:read', 'members:manage', 'projects:read'],
};
const auditor: RoleDefinition = { key: 'auditor', permissions: ['audit:read', 'members:read'] };
const roles = new Map([roleManager, peopleManager, auditor].map((role) => [role.key, role]));

const effectiveOf = (...roleKeys: string[]) =>
  effectivePermissions(
    roleKeys.map((roleKey) => ({ roleKey })),
    roles,
  );

describe('assertPermitted', () => {
  it('refuses a caller missing a required permission, naming it', () => {
    const err = thrown(() => assertPermitted(effectiveOf('viewer'), ['projects:write']));
    expect(err).toBeInstanceOf(PermissionRequiredError);
    expect(err).toMatchObject({
      problemKind: 'forbidden',
      problemSlug: 'permission-required',
      problemExtensions: { missingPermissions: ['projects:write'] },
    });
  });

  it('lets a caller holding everything through', () => {
    expect(() => assertPermitted(effectiveOf('member'), ['projects:write'])).not.toThrow();
  });
});

describe('assertCanGrant: nobody grants a permission they do not hold', () => {
  it('refuses a role manager creating a role with audit:read they lack', () => {
    const actor = effectiveOf('role-manager');
    const err = thrown(() =>
      assertCanGrant({ actor, permissions: ['projects:read', 'audit:read'] }),
    );
    expect(err).toBeInstanceOf(PermissionNotHeldError);
    expect(err).toBeInstanceOf(RbacError);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({
      problemKind: 'forbidden',
      problemSlug: 'permission-not-held',
      problemExtensions: { missingPermissions: ['audit:read'] },
    });
  });

  it('allows granting a subset of what the actor holds', () => {
    const actor = effectiveOf('role-manager');
    expect(() => assertCanGrant({ actor, permissions: ['projects:read'] })).not.toThrow();
    expect(() => assertCanGrant({ actor, permissions: [] })).not.toThrow();
  });

  it('refuses key scopes beyond what the actor holds', () => {
    const actor = effectiveOf('member');
    expect(() => assertCanGrant({ actor, permissions: ['projects:read', 'keys:manage'] })).toThrow(
      PermissionNotHeldError,
    );
  });

  it('has no owner bypass: an owner acting through a narrow key grants only its scopes', () => {
    const actor = intersectScopes(effectiveOf('owner'), ['projects:read', 'keys:manage']);
    expect(() => assertCanGrant({ actor, permissions: ['members:manage'] })).toThrow(
      PermissionNotHeldError,
    );
    expect(() => assertCanGrant({ actor, permissions: ['projects:read'] })).not.toThrow();
  });
});

describe('assertCanBind', () => {
  it('refuses binding a custom role holding a permission the actor lacks', () => {
    const actorEffective = effectiveOf('people-manager');
    const err = thrown(() => assertCanBind({ actorEffective, actorIsOwner: false, role: auditor }));
    expect(err).toBeInstanceOf(PermissionNotHeldError);
    expect(err).toMatchObject({ problemExtensions: { missingPermissions: ['audit:read'] } });
  });

  it('refuses binding a built-in role stronger than the actor', () => {
    const actorEffective = effectiveOf('people-manager');
    expect(() =>
      assertCanBind({ actorEffective, actorIsOwner: false, role: BUILTIN_ROLES.admin }),
    ).toThrow(PermissionNotHeldError);
  });

  it('allows binding a role within what the actor holds', () => {
    const actorEffective = effectiveOf('people-manager');
    expect(() =>
      assertCanBind({ actorEffective, actorIsOwner: false, role: BUILTIN_ROLES.viewer }),
    ).not.toThrow();
  });

  it('checks built-in roles against code, not the permissions passed in', () => {
    const actorEffective = effectiveOf('people-manager');
    const forgedAdmin: RoleDefinition = { key: 'admin', permissions: ['projects:read'] };
    expect(() => assertCanBind({ actorEffective, actorIsOwner: false, role: forgedAdmin })).toThrow(
      PermissionNotHeldError,
    );
  });

  it('refuses the same when revoking, so a weaker principal cannot strip a stronger one', () => {
    const actorEffective = effectiveOf('people-manager');
    expect(() =>
      assertCanBind({
        actorEffective,
        actorIsOwner: false,
        role: BUILTIN_ROLES.admin,
        action: 'revoke',
      }),
    ).toThrow(PermissionNotHeldError);
  });

  it('refuses a non-owner, even an admin, granting or revoking owner', () => {
    const actorEffective = effectiveOf('admin');
    for (const action of ['grant', 'revoke'] as const) {
      const err = thrown(() =>
        assertCanBind({ actorEffective, actorIsOwner: false, role: BUILTIN_ROLES.owner, action }),
      );
      expect(err).toBeInstanceOf(OwnerOnlyError);
      expect(err).toMatchObject({ problemKind: 'forbidden', problemSlug: 'owner-only' });
      expect((err as Error).message).toContain(action);
    }
  });

  it('lets an owner grant owner', () => {
    expect(() =>
      assertCanBind({
        actorEffective: effectiveOf('owner'),
        actorIsOwner: true,
        role: BUILTIN_ROLES.owner,
      }),
    ).not.toThrow();
  });

  it('refuses an owner acting through a narrow key granting owner', () => {
    const actorEffective = intersectScopes(effectiveOf('owner'), ['members:manage']);
    expect(() =>
      assertCanBind({ actorEffective, actorIsOwner: true, role: BUILTIN_ROLES.owner }),
    ).toThrow(PermissionNotHeldError);
  });

  it('lets an admin grant admin', () => {
    expect(() =>
      assertCanBind({
        actorEffective: effectiveOf('admin'),
        actorIsOwner: false,
        role: BUILTIN_ROLES.admin,
      }),
    ).not.toThrow();
  });
});

describe('assertBindingTarget', () => {
  it('binds owner to users only', () => {
    expect(() =>
      assertBindingTarget({ roleKey: 'owner', principalKind: 'service_client' }),
    ).toThrow(OwnerMustBeUserError);
    expect(() => assertBindingTarget({ roleKey: 'owner', principalKind: 'user' })).not.toThrow();
    expect(() =>
      assertBindingTarget({ roleKey: 'admin', principalKind: 'service_client' }),
    ).not.toThrow();
  });
});

describe('assertCanActOnPrincipal', () => {
  it("refuses an admin changing an owner's account", () => {
    expect(() => assertCanActOnPrincipal({ actorIsOwner: false, targetIsOwner: true })).toThrow(
      OwnerOnlyError,
    );
  });

  it('allows owners on owners and anyone on non-owners', () => {
    expect(() =>
      assertCanActOnPrincipal({ actorIsOwner: true, targetIsOwner: true }),
    ).not.toThrow();
    expect(() =>
      assertCanActOnPrincipal({ actorIsOwner: false, targetIsOwner: false }),
    ).not.toThrow();
  });
});

describe('assertNotLastOwner', () => {
  it('refuses leaving the tenant without an owner', () => {
    const err = thrown(() => assertNotLastOwner({ ownerCountAfter: 0 }));
    expect(err).toBeInstanceOf(LastOwnerError);
    expect(err).toMatchObject({ problemKind: 'conflict', problemSlug: 'last-owner' });
  });

  it('fails closed on nonsense counts', () => {
    for (const ownerCountAfter of [-1, Number.NaN]) {
      expect(() => assertNotLastOwner({ ownerCountAfter })).toThrow(LastOwnerError);
    }
  });

  it('allows a change that leaves at least one owner', () => {
    expect(() => assertNotLastOwner({ ownerCountAfter: 1 })).not.toThrow();
    expect(() => assertNotLastOwner({ ownerCountAfter: 3 })).not.toThrow();
  });
});

describe('assertRoleEditable', () => {
  it('refuses editing or deleting any built-in role', () => {
    for (const role of Object.values(BUILTIN_ROLES)) {
      const err = thrown(() => assertRoleEditable(role));
      expect(err).toBeInstanceOf(BuiltinRoleImmutableError);
      expect(err).toMatchObject({
        problemKind: 'forbidden',
        problemSlug: 'builtin-role-immutable',
        problemExtensions: { roleKey: role.key },
      });
    }
  });

  it('allows custom roles', () => {
    expect(() => assertRoleEditable(auditor)).not.toThrow();
  });
});

describe('assertCanModifyRole', () => {
  it('refuses even an owner editing a built-in role', () => {
    expect(() =>
      assertCanModifyRole({
        actor: effectiveOf('owner'),
        role: BUILTIN_ROLES.member,
        permissions: [],
      }),
    ).toThrow(BuiltinRoleImmutableError);
  });

  it('refuses adding a permission the actor lacks', () => {
    const actor = effectiveOf('role-manager');
    const err = thrown(() =>
      assertCanModifyRole({
        actor,
        role: { key: 'reader', permissions: ['projects:read'] },
        permissions: ['projects:read', 'audit:read'],
      }),
    );
    expect(err).toMatchObject({ problemExtensions: { missingPermissions: ['audit:read'] } });
  });

  it('refuses editing or deleting a role stronger than the actor', () => {
    const actor = effectiveOf('role-manager');
    expect(() =>
      assertCanModifyRole({ actor, role: auditor, permissions: ['members:read'] }),
    ).toThrow(PermissionNotHeldError);
    expect(() => assertCanModifyRole({ actor, role: auditor })).toThrow(PermissionNotHeldError);
  });

  it('allows changes within what the actor holds', () => {
    const actor = effectiveOf('role-manager', 'auditor');
    expect(() =>
      assertCanModifyRole({ actor, role: auditor, permissions: ['audit:read', 'projects:read'] }),
    ).not.toThrow();
    expect(() => assertCanModifyRole({ actor, role: auditor })).not.toThrow();
  });
});
