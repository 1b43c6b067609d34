import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { revokeInvitation } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { adminErrors } from '../admin-errors.ts';
import { InvitationParams } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('members:manage')] as const,
  'x-permission': 'members:manage',
  method: 'delete',
  path: '/{invitationId}',
  tags: ['invitations'],
  summary: 'Revoke a pending invitation; its link stops working at once',
  request: { params: InvitationParams },
  responses: { 204: { description: 'Revoked' }, ...adminErrors },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    await revokeInvitation({ ctx: adminContext(c, deps), input: c.req.valid('param') });
    return c.body(null, 204);
  });
}
