import { z } from '@hono/zod-openapi';
import type { InvitationView } from '@tenantkit/identity';

export const InvitationParams = z.object({
  invitationId: z
    .string()
    .regex(/^[a-z2-7]{26}$/)
    .openapi({
      param: { name: 'invitationId', in: 'path' },
      example: 'x3k7q2m4z5a6b7c8d9e2f3g4ha',
    }),
});

export const InvitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    roleKeys: z.array(z.string()),
    invitedBy: z.uuid().nullable(),
    expiresAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Invitation');

export function invitationBody(invitation: InvitationView) {
  return {
    ...invitation,
    expiresAt: invitation.expiresAt.toISOString(),
    createdAt: invitation.createdAt.toISOString(),
  };
}
