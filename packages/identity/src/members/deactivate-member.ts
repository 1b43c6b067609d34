import { schema, withTenant } from '@tenantkit/db';
import { and, eq } from 'drizzle-orm';
import type { AdminContext } from '../admin/context.ts';
import {
  actorIsOwner,
  countActiveOwners,
  findMemberRow,
  isOwner,
  publishVersion,
} from '../admin/rbac-state.ts';
import { appendAuditEvent } from '../audit/index.ts';
import { assertCanActOnPrincipal, assertNotLastOwner, assertPermitted } from '../rbac/index.ts';
import { deleteSessions, forgetSessions } from '../sessions/index.ts';
import { bumpRbacVersion } from './provision.ts';
import { type MemberView, toMemberViews } from './view.ts';

/**
 * Deactivates a member: status `deactivated` (sign-in refuses it), every session deleted in
 * the same transaction and tombstoned in Redis right after commit, so the member's open
 * sessions stop working on every instance at once. The last active owner cannot be
 * deactivated. Bumping the RBAC version takes the tenant's RBAC lock for the owner count.
 */
export async function deactivateMember({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: { memberId: string; reason?: string };
}): Promise<MemberView> {
  return setMemberStatus(ctx, input, 'deactivated');
}

/** Lets a deactivated member sign in again; their old sessions stay gone. */
export async function reactivateMember({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: { memberId: string; reason?: string };
}): Promise<MemberView> {
  return setMemberStatus(ctx, input, 'active');
}

async function setMemberStatus(
  ctx: AdminContext,
  { memberId, reason }: { memberId: string; reason?: string },
  status: 'active' | 'deactivated',
): Promise<MemberView> {
  assertPermitted(ctx.principal.permissions, ['members:manage']);
  const { tenant } = ctx;
  const { users } = schema;
  const result = await withTenant(ctx.deps.db, tenant.id, async (tx) => {
    const member = await findMemberRow(tx, tenant, memberId);
    const targetIsOwner = await isOwner(tx, tenant, member.id);
    assertCanActOnPrincipal({ actorIsOwner: await actorIsOwner(tx, ctx), targetIsOwner });
    if (member.status === status) {
      const [view] = await toMemberViews(tx, tenant, [member]);
      return { view, version: null, revoked: [] as string[] };
    }
    const [updated] = await tx
      .update(users)
      .set({ status, updatedAt: new Date() })
      .where(and(eq(users.tenantId, tenant.id), eq(users.id, member.id)))
      .returning();
    if (!updated) throw new Error('member vanished during update');
    const version = await bumpRbacVersion(tx, tenant);
    let revoked: string[] = [];
    if (status === 'deactivated') {
      if (targetIsOwner)
        assertNotLastOwner({ ownerCountAfter: await countActiveOwners(tx, tenant) });
      revoked = await deleteSessions(tx, tenant, { userId: member.id });
    }
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: status === 'deactivated' ? 'member.deactivated' : 'member.reactivated',
      targetType: 'user',
      targetId: member.id,
      data: {
        before: { status: member.status },
        after: { status },
        ...(reason ? { reason } : {}),
        ...(status === 'deactivated' ? { sessionsRevoked: revoked.length } : {}),
      },
    });
    const [view] = await toMemberViews(tx, tenant, [updated]);
    return { view, version, revoked };
  });
  await forgetSessions(ctx.deps, tenant, result.revoked);
  if (result.version !== null) await publishVersion(ctx, result.version);
  if (!result.view) throw new Error('member view missing');
  return result.view;
}
