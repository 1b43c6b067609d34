import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { listInvitations } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { commonErrors } from '../shared.ts';
import { InvitationSchema, invitationBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('members:manage')] as const,
  'x-permission': 'members:manage',
  method: 'get',
  path: '/',
  tags: ['invitations'],
  summary: 'Pending invitations (not accepted, revoked or expired), oldest first',
  responses: {
    200: {
      description: 'Pending invitations',
      content: { 'application/json': { schema: z.object({ items: z.array(InvitationSchema) }) } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const items = await listInvitations({ ctx: adminContext(c, deps) });
    return c.json({ items: items.map(invitationBody) }, 200);
  });
}
