import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { getSsoConnection } from '@tenantkit/identity';
import { requirePermission } from '../../../auth/require-permission.ts';
import { ssoContext } from '../../../auth/sso-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { commonErrors } from '../../shared.ts';
import { ConnectionParams, ConnectionSchema, connectionBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('sso:manage')] as const,
  'x-permission': 'sso:manage',
  method: 'get',
  path: '/{connectionId}',
  tags: ['sso'],
  summary: 'Get an OIDC connection',
  request: { params: ConnectionParams },
  responses: {
    200: {
      description: 'The connection',
      content: { 'application/json': { schema: ConnectionSchema } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const view = await getSsoConnection({ ctx: ssoContext(c, deps), input: c.req.valid('param') });
    return c.json(connectionBody(view), 200);
  });
}
