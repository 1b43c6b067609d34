import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { createRole } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { adminErrors } from '../admin-errors.ts';
import { PermissionList, RoleDescription, RoleName, RoleSchema, roleBody } from './schemas.ts';

export const RoleCreateBody = z
  .strictObject({
    key: z.string().max(64).openapi({ example: 'auditor' }),
    name: RoleName.openapi({ example: 'Auditor' }),
    description: RoleDescription.optional(),
    permissions: PermissionList,
  })
  .openapi('RoleCreate');

export const route = createRoute({
  middleware: [requirePermission('roles:manage')] as const,
  'x-permission': 'roles:manage',
  method: 'post',
  path: '/',
  tags: ['roles'],
  summary: 'Create a custom role from catalog permissions the caller holds',
  request: {
    body: { required: true, content: { 'application/json': { schema: RoleCreateBody } } },
  },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: RoleSchema } } },
    ...adminErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const role = await createRole({ ctx: adminContext(c, deps), input: c.req.valid('json') });
    return c.json(roleBody(role), 201);
  });
}
