import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { deleteRoleBinding } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { adminErrors } from '../admin-errors.ts';
import { BindingParams } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('members:manage')] as const,
  'x-permission': 'members:manage',
  method: 'delete',
  path: '/{principalType}/{principalId}/{roleKey}',
  tags: ['role-bindings'],
  summary: 'Remove a role binding (the last owner keeps theirs)',
  request: { params: BindingParams },
  responses: { 204: { description: 'Removed' }, ...adminErrors },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    await deleteRoleBinding({ ctx: adminContext(c, deps), input: c.req.valid('param') });
    return c.body(null, 204);
  });
}
