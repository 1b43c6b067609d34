import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { getRole } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { commonErrors } from '../shared.ts';
import { RoleParams, RoleSchema, roleBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('roles:read')] as const,
  'x-permission': 'roles:read',
  method: 'get',
  path: '/{roleKey}',
  tags: ['roles'],
  summary: 'Get a role',
  request: { params: RoleParams },
  responses: {
    200: { description: 'The role', content: { 'application/json': { schema: RoleSchema } } },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const role = await getRole({ ctx: adminContext(c, deps), input: c.req.valid('param') });
    return c.json(roleBody(role), 200);
  });
}
