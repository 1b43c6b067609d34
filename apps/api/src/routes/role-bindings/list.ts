import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { listRoleBindings } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { commonErrors } from '../shared.ts';
import { bindingBody, PrincipalType, RoleBindingSchema } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('members:read')] as const,
  'x-permission': 'members:read',
  method: 'get',
  path: '/',
  tags: ['role-bindings'],
  summary: 'Role bindings of users and service clients, optionally filtered',
  request: {
    query: z.object({
      principalType: PrincipalType.optional(),
      principalId: z.uuid().optional(),
      roleKey: z.string().min(1).max(64).optional(),
    }),
  },
  responses: {
    200: {
      description: 'Bindings',
      content: {
        'application/json': { schema: z.object({ items: z.array(RoleBindingSchema) }) },
      },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const items = await listRoleBindings({
      ctx: adminContext(c, deps),
      input: c.req.valid('query'),
    });
    return c.json({ items: items.map(bindingBody) }, 200);
  });
}
