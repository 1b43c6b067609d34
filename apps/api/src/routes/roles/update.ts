import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { updateRole } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { adminErrors } from '../admin-errors.ts';
import {
  PermissionList,
  RoleDescription,
  RoleName,
  RoleParams,
  RoleSchema,
  roleBody,
} from './schemas.ts';

export const RoleUpdateBody = z
  .strictObject({
    name: RoleName.optional(),
    description: RoleDescription.optional(),
    permissions: PermissionList.optional(),
  })
  .openapi('RoleUpdate');

export const route = createRoute({
  middleware: [requirePermission('roles:manage')] as const,
  'x-permission': 'roles:manage',
  method: 'patch',
  path: '/{roleKey}',
  tags: ['roles'],
  summary: 'Edit a custom role (built-in roles are immutable)',
  request: {
    params: RoleParams,
    body: { required: true, content: { 'application/json': { schema: RoleUpdateBody } } },
  },
  responses: {
    200: { description: 'Updated', content: { 'application/json': { schema: RoleSchema } } },
    ...adminErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const role = await updateRole({
      ctx: adminContext(c, deps),
      input: { ...c.req.valid('param'), ...c.req.valid('json') },
    });
    return c.json(roleBody(role), 200);
  });
}
