import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { listRoles } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { commonErrors } from '../shared.ts';
import { RoleSchema, roleBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('roles:read')] as const,
  'x-permission': 'roles:read',
  method: 'get',
  path: '/',
  tags: ['roles'],
  summary: 'Built-in and custom roles with their permissions',
  responses: {
    200: {
      description: 'Roles',
      content: { 'application/json': { schema: z.object({ items: z.array(RoleSchema) }) } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const roles = await listRoles({ ctx: adminContext(c, deps) });
    return c.json({ items: roles.map(roleBody) }, 200);
  });
}
