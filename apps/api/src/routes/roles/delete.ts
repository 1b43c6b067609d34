import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { deleteRole } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { adminErrors } from '../admin-errors.ts';
import { RoleParams } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('roles:manage')] as const,
  'x-permission': 'roles:manage',
  method: 'delete',
  path: '/{roleKey}',
  tags: ['roles'],
  summary: 'Delete a custom role no principal is bound to',
  request: { params: RoleParams },
  responses: { 204: { description: 'Deleted' }, ...adminErrors },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    await deleteRole({ ctx: adminContext(c, deps), input: c.req.valid('param') });
    return c.body(null, 204);
  });
}
