import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { createRoleBinding } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { adminErrors } from '../admin-errors.ts';
import { BindingFields, bindingBody, RoleBindingSchema } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('members:manage')] as const,
  'x-permission': 'members:manage',
  method: 'post',
  path: '/',
  tags: ['role-bindings'],
  summary: 'Bind a user or service client to a role whose permissions the caller holds',
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: BindingFields.openapi('RoleBindingCreate') } },
    },
  },
  responses: {
    201: {
      description: 'Bound',
      content: { 'application/json': { schema: RoleBindingSchema } },
    },
    ...adminErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const binding = await createRoleBinding({
      ctx: adminContext(c, deps),
      input: c.req.valid('json'),
    });
    return c.json(bindingBody(binding), 201);
  });
}
