import { withTenant } from '@tenantkit/db';
import type { AdminContext } from '../admin/context.ts';
import { actorIsOwner, findMemberRow, isOwner } from '../admin/rbac-state.ts';
import { appendAuditEvent } from '../audit/index.ts';
import { assertCanActOnPrincipal, assertPermitted } from '../rbac/index.ts';
import {
  deleteSessions,
  forgetSessions,
  listUserSessions,
  type SessionSummary,
} from '../sessions/index.ts';

/** Another member's live sessions (where and when, never the secret). */
export async function listMemberSessions({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: { memberId: string };
}): Promise<SessionSummary[]> {
  assertPermitted(ctx.principal.permissions, ['sessions:manage']);
  return withTenant(ctx.deps.db, ctx.tenant.id, async (tx) => {
    const member = await findMemberRow(tx, ctx.tenant, input.memberId);
    return listUserSessions(tx, ctx.tenant, member.id);
  });
}

/**
 * Ends one session of a member (`sessionId`) or all of them, everywhere: deleted in the
 * transaction, tombstoned in Redis after commit. Only owners end an owner's sessions.
 * Returns how many sessions ended (0 when `sessionId` is not one of the member's).
 */
export async function revokeMemberSessions({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: { memberId: string; sessionId?: string };
}): Promise<number> {
  assertPermitted(ctx.principal.permissions, ['sessions:manage']);
  const { tenant } = ctx;
  const revoked = await withTenant(ctx.deps.db, tenant.id, async (tx) => {
    const member = await findMemberRow(tx, tenant, input.memberId);
    assertCanActOnPrincipal({
      actorIsOwner: await actorIsOwner(tx, ctx),
      targetIsOwner: await isOwner(tx, tenant, member.id),
    });
    const ids = await deleteSessions(tx, tenant, {
      userId: member.id,
      ...(input.sessionId ? { sessionId: input.sessionId } : {}),
    });
    if (ids.length > 0) {
      await appendAuditEvent(tx, tenant, ctx.actor, {
        action: 'member.sessions.revoked',
        targetType: 'user',
        targetId: member.id,
        data: { sessionIds: ids, scope: input.sessionId ? 'one' : 'all' },
      });
    }
    return ids;
  });
  await forgetSessions(ctx.deps, tenant, revoked);
  return revoked.length;
}
