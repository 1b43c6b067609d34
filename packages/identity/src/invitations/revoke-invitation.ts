import { NotFoundError, schema, withTenant } from '@tenantkit/db';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { AdminContext } from '../admin/context.ts';
import { appendAuditEvent } from '../audit/index.ts';
import { assertPermitted } from '../rbac/index.ts';
import { type InvitationView, toInvitationView } from './view.ts';

const { invitations } = schema;

const pending = (tenantId: string) =>
  and(
    eq(invitations.tenantId, tenantId),
    isNull(invitations.acceptedAt),
    isNull(invitations.revokedAt),
    gt(invitations.expiresAt, sql`now()`),
  );

/** Revokes a pending invitation; its link stops working at once. */
export async function revokeInvitation({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: { invitationId: string };
}): Promise<void> {
  assertPermitted(ctx.principal.permissions, ['members:manage']);
  const { tenant } = ctx;
  await withTenant(ctx.deps.db, tenant.id, async (tx) => {
    const [row] = await tx
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(and(pending(tenant.id), eq(invitations.id, input.invitationId)))
      .returning();
    if (!row) throw new NotFoundError('invitation');
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'invitation.revoked',
      targetType: 'invitation',
      targetId: row.id,
      data: { email: row.email, roles: row.roleKeys },
    });
  });
}

/** Pending invitations (not accepted, revoked or expired), oldest first. */
export async function listInvitations({ ctx }: { ctx: AdminContext }): Promise<InvitationView[]> {
  assertPermitted(ctx.principal.permissions, ['members:manage']);
  const rows = await withTenant(ctx.deps.db, ctx.tenant.id, (tx) =>
    tx
      .select()
      .from(invitations)
      .where(pending(ctx.tenant.id))
      .orderBy(asc(invitations.createdAt), asc(invitations.id))
      .limit(1000),
  );
  return rows.map(toInvitationView);
}
