import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { setSsoConnectionEnabled } from '@tenantkit/identity';
import { requirePermission } from '../../../auth/require-permission.ts';
import { ssoContext } from '../../../auth/sso-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { commonErrors, EmptyActionBody } from '../../shared.ts';
import { ConnectionParams, ConnectionSchema, connectionBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('sso:manage')] as const,
  'x-permission': 'sso:manage',
  method: 'post',
  path: '/{connectionId}/disable',
  tags: ['sso'],
  summary: 'Disable an OIDC connection: sign-ins through it stop at once',
  request: { params: ConnectionParams, body: EmptyActionBody },
  responses: {
    200: { description: 'Disabled', content: { 'application/json': { schema: ConnectionSchema } } },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { connectionId } = c.req.valid('param');
    const view = await setSsoConnectionEnabled({
      ctx: ssoContext(c, deps),
      input: { connectionId, enabled: false },
    });
    return c.json(connectionBody(view), 200);
  });
}
