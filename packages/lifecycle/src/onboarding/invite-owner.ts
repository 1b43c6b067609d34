import { randomBytes } from 'node:crypto';
import type { TenantRecord, TenantTx } from '@tenantkit/db';
import { appendAuditEvent, sha256Hex } from '@tenantkit/identity';
import type { LifecycleActor } from '../deps.ts';

export const OWNER_INVITATION_TTL_MS = 7 * 24 * 3_600_000;

export interface OwnerInvitation {
  id: string;
  email: string;
  /** Shown once (mailed); only its SHA-256 is stored. */
  token: string;
  created: boolean;
}

/**
 * Ensures exactly one open invitation of `email` as owner, and gives it a fresh token. Run in
 * the tenant's transaction; the caller mails the link after commit. A retry after a crash
 * between commit and mail rotates the token again (the first link, never delivered, dies):
 * there is never a second invitation row, and the link that is mailed is always valid.
 *
 * The `admin` helper's invitation service owns invitations in general; this is the one thin
 * call onboarding needs, kept to the same row shape so either can accept the other's links.
 */
export async function upsertOwnerInvitation(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id' | 'tier'>,
  actor: LifecycleActor,
  email: string,
): Promise<OwnerInvitation> {
  const token = randomBytes(32).toString('base64url');
  const tokenHash = sha256Hex(token);
  const expiresAt = new Date(Date.now() + OWNER_INVITATION_TTL_MS);
  const normalized = email.trim().toLowerCase();
  // One open owner invitation per tenant: the advisory lock serialises two concurrent runs of
  // the step (a retried job racing its stalled predecessor).
  await tx.$client`select pg_advisory_xact_lock(hashtextextended(${`owner-invite:${tenant.id}`}, 0))`;
  const open = await tx.$client<{ id: string }[]>`
    update invitations set token_hash = ${tokenHash}, expires_at = ${expiresAt.toISOString()}::timestamptz
    where tenant_id = ${tenant.id} and lower(email) = ${normalized} and 'owner' = any (role_keys)
      and accepted_at is null and revoked_at is null
    returning id`;
  if (open[0]) return { id: open[0].id, email: normalized, token, created: false };
  const id = `inv_${randomBytes(12).toString('base64url')}`;
  await tx.$client`
    insert into invitations (tenant_id, id, email, role_keys, token_hash, invited_by, expires_at)
    values (${tenant.id}, ${id}, ${normalized}, ${['owner']}, ${tokenHash}, null, ${expiresAt.toISOString()}::timestamptz)`;
  await appendAuditEvent(
    tx,
    tenant,
    { actorType: actor.type, actorId: actor.id },
    {
      action: 'invitation.created',
      targetType: 'invitation',
      targetId: id,
      data: { email: normalized, roles: ['owner'] },
    },
  );
  return { id, email: normalized, token, created: true };
}

export function ownerInvitationMail(input: { tenantName: string; email: string; link: string }): {
  to: string;
  subject: string;
  text: string;
} {
  return {
    to: input.email,
    subject: `You are invited to ${input.tenantName}`,
    text: [
      `You have been invited as the owner of ${input.tenantName}.`,
      '',
      `Accept the invitation within 7 days: ${input.link}`,
      '',
      'If you did not expect this, ignore this message.',
    ].join('\n'),
  };
}
