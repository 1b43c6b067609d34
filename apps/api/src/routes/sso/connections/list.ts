import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { listSsoConnections } from '@tenantkit/identity';
import { requirePermission } from '../../../auth/require-permission.ts';
import { ssoContext } from '../../../auth/sso-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { commonErrors } from '../../shared.ts';
import { ConnectionSchema, connectionBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('sso:manage')] as const,
  'x-permission': 'sso:manage',
  method: 'get',
  path: '/',
  tags: ['sso'],
  summary: "The workspace's OIDC connections (client secrets are never returned)",
  responses: {
    200: {
      description: 'Connections',
      content: { 'application/json': { schema: z.object({ items: z.array(ConnectionSchema) }) } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const views = await listSsoConnections({ ctx: ssoContext(c, deps) });
    return c.json({ items: views.map(connectionBody) }, 200);
  });
}
