import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { getMfaPolicy } from '@tenantkit/identity';
import { identityContext } from '../../auth/identity-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { commonErrors } from '../shared.ts';
import { SecuritySettingsSchema } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('tenant:manage')] as const,
  'x-permission': 'tenant:manage',
  method: 'get',
  path: '/',
  tags: ['security'],
  summary: "The tenant's security policy",
  responses: {
    200: {
      description: 'The policy',
      content: { 'application/json': { schema: SecuritySettingsSchema } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const policy = await getMfaPolicy({ ctx: identityContext(c, deps) });
    return c.json(policy, 200);
  });
}
