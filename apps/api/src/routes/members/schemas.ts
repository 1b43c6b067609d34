import { z } from '@hono/zod-openapi';
import type { MemberView, SessionSummary } from '@tenantkit/identity';
import { storedText, uuidParam } from '../shared.ts';

export const MemberParams = z.object({ memberId: uuidParam('memberId') });

export const MemberSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    status: z.enum(['active', 'deactivated']),
    roles: z.array(z.string()),
    mfaEnabled: z.boolean(),
    lastLoginAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Member');

export const MemberPageSchema = z
  .object({ items: z.array(MemberSchema), nextCursor: z.string().nullable() })
  .openapi('MemberPage');

export function memberBody(member: MemberView) {
  return {
    ...member,
    lastLoginAt: member.lastLoginAt?.toISOString() ?? null,
    createdAt: member.createdAt.toISOString(),
  };
}

export const RoleKeyList = z
  .array(z.string().min(1).max(64))
  .max(20)
  .openapi({ example: ['member'] });

export const MemberSessionSchema = z
  .object({
    id: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    createdAt: z.iso.datetime(),
    lastSeenAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
  })
  .openapi('MemberSession');

export function sessionBody(session: SessionSummary) {
  return {
    ...session,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
  };
}

/** A JSON body (possibly `{}`), so these POSTs pass the API's JSON-only rule like any write. */
export const StatusChangeBody = z
  .strictObject({
    reason: storedText(z.string().max(500))
      .optional()
      .openapi({ description: 'Kept in the audit event' }),
  })
  .openapi('MemberStatusChange');
