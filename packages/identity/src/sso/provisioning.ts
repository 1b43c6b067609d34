import { schema, type TenantRecord, type TenantTx } from '@tenantkit/db';
import { and, eq, inArray } from 'drizzle-orm';
import { findUserByEmail, insertUser, type User } from '../accounts/users.ts';
import { type AuditActor, appendAuditEvent } from '../audit/index.ts';
import { bumpRbacVersion } from '../members/provision.ts';
import { OWNER_ROLE_KEY } from '../rbac/index.ts';
import type { SsoConnectionRow } from './connections.ts';
import { SsoSignInError } from './errors.ts';

const { ssoIdentities, roleBindings, roles, users } = schema;

/** What the ID token says about the person, read through the connection's claim mapping. */
export interface AssertedIdentity {
  subject: string;
  email: string;
  name: string;
  groups: string[];
}

type Tenant = Pick<TenantRecord, 'id' | 'tier' | 'name'>;

/** The role keys the person's IdP groups map to (never owner; only roles that still exist). */
export async function rolesForGroups(
  tx: TenantTx,
  tenantId: string,
  connection: Pick<SsoConnectionRow, 'groupRoles'>,
  groups: string[],
): Promise<string[]> {
  const wanted = new Set<string>();
  for (const group of groups) {
    if (!Object.hasOwn(connection.groupRoles, group)) continue;
    for (const key of connection.groupRoles[group] ?? []) {
      if (key !== OWNER_ROLE_KEY) wanted.add(key);
    }
  }
  if (wanted.size === 0) return [];
  const rows = await tx
    .select({ key: roles.key })
    .from(roles)
    .where(and(eq(roles.tenantId, tenantId), inArray(roles.key, [...wanted])));
  return rows.map((r) => r.key).sort();
}

/**
 * The member an external identity signs in as: the linked one; else the member with the
 * asserted email (the caller has checked the domain is the connection's, verified); else, with
 * JIT on, a new member. Returns whether it linked or created.
 */
export async function resolveMember(
  tx: TenantTx,
  tenant: Tenant,
  actor: AuditActor,
  connection: SsoConnectionRow,
  asserted: AssertedIdentity,
): Promise<{ user: User; outcome: 'existing' | 'linked' | 'created' }> {
  const [identity] = await tx
    .select({ userId: ssoIdentities.userId })
    .from(ssoIdentities)
    .where(
      and(
        eq(ssoIdentities.tenantId, tenant.id),
        eq(ssoIdentities.connectionId, connection.id),
        eq(ssoIdentities.subject, asserted.subject),
      ),
    );
  if (identity) {
    const [user] = await tx
      .select()
      .from(users)
      .where(and(eq(users.tenantId, tenant.id), eq(users.id, identity.userId)));
    if (!user) throw new SsoSignInError('no_account');
    return { user, outcome: 'existing' };
  }
  const existing = await findUserByEmail(tx, tenant, asserted.email);
  if (existing) {
    const [other] = await tx
      .select({ subject: ssoIdentities.subject })
      .from(ssoIdentities)
      .where(
        and(
          eq(ssoIdentities.tenantId, tenant.id),
          eq(ssoIdentities.connectionId, connection.id),
          eq(ssoIdentities.userId, existing.id),
        ),
      );
    if (other) throw new SsoSignInError('identity_conflict', 'forbidden');
    await link(tx, tenant, connection, asserted, existing.id);
    return { user: existing, outcome: 'linked' };
  }
  if (!connection.jitEnabled) throw new SsoSignInError('no_account', 'forbidden');
  const user = await insertUser(tx, tenant, { email: asserted.email, name: asserted.name });
  await link(tx, tenant, connection, asserted, user.id);
  await appendAuditEvent(tx, tenant, actor, {
    action: 'member.created',
    targetType: 'user',
    targetId: user.id,
    data: { email: user.email, via: 'sso', connectionId: connection.id },
  });
  return { user, outcome: 'created' };
}

async function link(
  tx: TenantTx,
  tenant: Tenant,
  connection: SsoConnectionRow,
  asserted: AssertedIdentity,
  userId: string,
) {
  await tx.insert(ssoIdentities).values({
    tenantId: tenant.id,
    connectionId: connection.id,
    subject: asserted.subject,
    userId,
    email: asserted.email,
  });
}

/**
 * Makes the member's IdP-sourced bindings equal to `roleKeys`: adds missing ones, removes
 * ones no group grants any more. Manual bindings are never touched (a role held manually stays
 * manual). Bumps the RBAC version when anything changed and returns the new version.
 */
export async function syncIdpBindings(
  tx: TenantTx,
  tenant: Tenant,
  userId: string,
  roleKeys: string[],
): Promise<{ added: string[]; removed: string[]; rbacVersion: number | null }> {
  const current = await tx
    .select({ roleKey: roleBindings.roleKey, source: roleBindings.source })
    .from(roleBindings)
    .where(
      and(
        eq(roleBindings.tenantId, tenant.id),
        eq(roleBindings.principalType, 'user'),
        eq(roleBindings.principalId, userId),
      ),
    );
  const held = new Set(current.map((b) => b.roleKey));
  const fromIdp = new Set(current.filter((b) => b.source === 'idp').map((b) => b.roleKey));
  const wanted = new Set(roleKeys);
  const added = [...wanted].filter((k) => !held.has(k));
  const removed = [...fromIdp].filter((k) => !wanted.has(k));
  if (removed.length > 0) {
    await tx
      .delete(roleBindings)
      .where(
        and(
          eq(roleBindings.tenantId, tenant.id),
          eq(roleBindings.principalType, 'user'),
          eq(roleBindings.principalId, userId),
          eq(roleBindings.source, 'idp'),
          inArray(roleBindings.roleKey, removed),
        ),
      );
  }
  if (added.length > 0) {
    await tx
      .insert(roleBindings)
      .values(
        added.map((roleKey) => ({
          tenantId: tenant.id,
          principalType: 'user' as const,
          principalId: userId,
          roleKey,
          source: 'idp' as const,
        })),
      )
      .onConflictDoNothing();
  }
  const changed = added.length > 0 || removed.length > 0;
  return { added, removed, rbacVersion: changed ? await bumpRbacVersion(tx, tenant) : null };
}
