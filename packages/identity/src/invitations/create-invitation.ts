import { schema, withTenant } from '@tenantkit/db';
import type { MailSender } from '@tenantkit/mail';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { findUserByEmail, normalizeEmail } from '../accounts/users.ts';
import type { AdminContext } from '../admin/context.ts';
import { InvitationPendingError, MemberExistsError } from '../admin/errors.ts';
import { actorIsOwner, loadRoleDefinitions } from '../admin/rbac-state.ts';
import { appendAuditEvent } from '../audit/index.ts';
import { assertBindingTarget, assertCanBind, assertPermitted } from '../rbac/index.ts';
import { invitationMessage } from './message.ts';
import { createInvitationToken, INVITATION_TTL_MS } from './token.ts';
import { type InvitationView, toInvitationView } from './view.ts';

export interface InvitationContext extends AdminContext {
  mail: MailSender;
}

/**
 * Invites an email address with role keys. The actor must be allowed to grant every role now
 * (the same rule as binding it directly), since accepting binds them without asking again.
 * The mail goes out after commit; if the relay refuses it, the invitation is revoked again (a
 * link nobody received must not stay valid) and the `MailUnavailableError` propagates.
 *
 * `acceptBaseUrl` is the origin of the tenant's own host (`https://acme.example.com`): the
 * link only works there, since the token is looked up in that tenant alone.
 */
export async function createInvitation({
  ctx,
  input,
}: {
  ctx: InvitationContext;
  input: { email: string; roleKeys: string[]; acceptBaseUrl: string };
}): Promise<InvitationView> {
  assertPermitted(ctx.principal.permissions, ['members:manage']);
  const { tenant } = ctx;
  const { invitations, users } = schema;
  const email = input.email.trim();
  const roleKeys = [...new Set(input.roleKeys)].sort();
  const { token, id, tokenHash } = createInvitationToken();
  const { row, inviterEmail } = await withTenant(ctx.deps.db, tenant.id, async (tx) => {
    const roles = await loadRoleDefinitions(tx, tenant, roleKeys);
    const ownerActing = await actorIsOwner(tx, ctx);
    for (const role of roles.values()) {
      assertBindingTarget({ roleKey: role.key, principalKind: 'user' });
      assertCanBind({ actorEffective: ctx.principal.permissions, actorIsOwner: ownerActing, role });
    }
    if (await findUserByEmail(tx, tenant, email)) throw new MemberExistsError();
    const [pending] = await tx
      .select({ id: invitations.id })
      .from(invitations)
      .where(
        and(
          eq(invitations.tenantId, tenant.id),
          sql`lower(${invitations.email}) = ${normalizeEmail(email)}`,
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
          gt(invitations.expiresAt, sql`now()`),
        ),
      );
    if (pending) throw new InvitationPendingError();
    const [row] = await tx
      .insert(invitations)
      .values({
        tenantId: tenant.id,
        id,
        email,
        roleKeys,
        tokenHash,
        invitedBy: ctx.principal.type === 'user' ? ctx.principal.id : null,
        expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'invitation.created',
      targetType: 'invitation',
      targetId: id,
      data: { email, roles: roleKeys, expiresAt: row.expiresAt.toISOString() },
    });
    const [inviter] =
      ctx.principal.type === 'user'
        ? await tx
            .select({ email: users.email })
            .from(users)
            .where(and(eq(users.tenantId, tenant.id), eq(users.id, ctx.principal.id)))
        : [];
    return { row, inviterEmail: inviter?.email ?? null };
  });
  const acceptUrl = new URL('/invitations/accept', input.acceptBaseUrl);
  acceptUrl.searchParams.set('token', token);
  try {
    await ctx.mail.send(
      invitationMessage({
        to: email,
        workspace: tenant.name,
        inviterEmail,
        acceptUrl: acceptUrl.toString(),
        expiresAt: row.expiresAt,
      }),
    );
  } catch (error) {
    await withTenant(ctx.deps.db, tenant.id, async (tx) => {
      await tx
        .update(invitations)
        .set({ revokedAt: new Date() })
        .where(and(eq(invitations.tenantId, tenant.id), eq(invitations.id, id)));
      await appendAuditEvent(tx, tenant, ctx.actor, {
        action: 'invitation.revoked',
        targetType: 'invitation',
        targetId: id,
        data: { reason: 'mail_failed' },
      });
    });
    throw error;
  }
  return toInvitationView(row);
}
