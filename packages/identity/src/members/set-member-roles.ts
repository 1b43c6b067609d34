import { schema, withTenant } from '@tenantkit/db';
import { and, eq, inArray } from 'drizzle-orm';
import type { AdminContext } from '../admin/context.ts';
import {
  actorIsOwner,
  countActiveOwners,
  findMemberRow,
  isOwner,
  loadRoleDefinitions,
  principalRoleKeys,
  publishVersion,
} from '../admin/rbac-state.ts';
import { appendAuditEvent } from '../audit/index.ts';
import {
  assertCanActOnPrincipal,
  assertCanBind,
  assertNotLastOwner,
  assertPermitted,
  OWNER_ROLE_KEY,
} from '../rbac/index.ts';
import { bumpRbacVersion } from './provision.ts';
import { type MemberView, toMemberViews } from './view.ts';

/**
 * Replaces a member's role bindings with `roleKeys`. Each role added is a grant and each role
 * removed a revocation, both checked against the actor (nobody grants or strips what they do
 * not hold; only owners touch `owner` or an owner's account); the last active owner cannot be
 * demoted. Bindings a change did not touch keep their source (an IdP-synchronised binding
 * that stays is not turned manual).
 */
export async function setMemberRoles({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: { memberId: string; roleKeys: string[] };
}): Promise<MemberView> {
  assertPermitted(ctx.principal.permissions, ['members:manage']);
  const { tenant } = ctx;
  const { roleBindings } = schema;
  const wanted = [...new Set(input.roleKeys)].sort();
  const { view, version } = await withTenant(ctx.deps.db, tenant.id, async (tx) => {
    const member = await findMemberRow(tx, tenant, input.memberId);
    const before = await principalRoleKeys(tx, tenant, { type: 'user', id: member.id });
    const added = wanted.filter((key) => !before.includes(key));
    const removed = before.filter((key) => !wanted.includes(key));
    const definitions = await loadRoleDefinitions(tx, tenant, [...added, ...removed]);
    const ownerActing = await actorIsOwner(tx, ctx);
    assertCanActOnPrincipal({
      actorIsOwner: ownerActing,
      targetIsOwner: await isOwner(tx, tenant, member.id),
    });
    for (const [key, role] of definitions) {
      const action = added.includes(key) ? 'grant' : 'revoke';
      assertCanBind({
        actorEffective: ctx.principal.permissions,
        actorIsOwner: ownerActing,
        role,
        action,
      });
    }
    if (removed.length > 0) {
      await tx
        .delete(roleBindings)
        .where(
          and(
            eq(roleBindings.tenantId, tenant.id),
            eq(roleBindings.principalType, 'user'),
            eq(roleBindings.principalId, member.id),
            inArray(roleBindings.roleKey, removed),
          ),
        );
    }
    if (added.length > 0) {
      await tx.insert(roleBindings).values(
        added.map((roleKey) => ({
          tenantId: tenant.id,
          principalType: 'user' as const,
          principalId: member.id,
          roleKey,
        })),
      );
    }
    const version = await bumpRbacVersion(tx, tenant);
    if (removed.includes(OWNER_ROLE_KEY)) {
      assertNotLastOwner({ ownerCountAfter: await countActiveOwners(tx, tenant) });
    }
    if (added.length > 0 || removed.length > 0) {
      await appendAuditEvent(tx, tenant, ctx.actor, {
        action: 'member.roles.changed',
        targetType: 'user',
        targetId: member.id,
        data: { before, after: wanted, added, removed },
      });
    }
    const [view] = await toMemberViews(tx, tenant, [member]);
    if (!view) throw new Error('member view missing');
    return { view, version };
  });
  await publishVersion(ctx, version);
  return view;
}
