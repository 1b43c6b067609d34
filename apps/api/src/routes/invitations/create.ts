import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { createInvitation } from '@tenantkit/identity';
import { invitationContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { invitationErrors } from '../admin-errors.ts';
import { RoleKeyList } from '../members/schemas.ts';
import { storedText } from '../shared.ts';
import { acceptBaseUrl } from './accept-link.ts';
import { InvitationSchema, invitationBody } from './schemas.ts';

export const InvitationBody = z
  .strictObject({
    email: storedText(z.string().trim().min(3).max(320))
      .pipe(z.email())
      .openapi({ example: 'ada@example.com' }),
    roleKeys: RoleKeyList.min(1),
  })
  .openapi('InvitationCreate');

export const route = createRoute({
  middleware: [requirePermission('members:manage')] as const,
  'x-permission': 'members:manage',
  method: 'post',
  path: '/',
  tags: ['invitations'],
  summary: 'Invite someone by email with roles; mails a single-use link valid for 7 days',
  request: {
    body: { required: true, content: { 'application/json': { schema: InvitationBody } } },
  },
  responses: {
    201: {
      description: 'Invited and mailed',
      content: { 'application/json': { schema: InvitationSchema } },
    },
    ...invitationErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const invitation = await createInvitation({
      ctx: invitationContext(c, deps),
      input: { ...c.req.valid('json'), acceptBaseUrl: acceptBaseUrl(c, deps) },
    });
    return c.json(invitationBody(invitation), 201);
  });
}
