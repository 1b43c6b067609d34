import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { updateSsoConnection } from '@tenantkit/identity';
import { requirePermission } from '../../../auth/require-permission.ts';
import { ssoContext } from '../../../auth/sso-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { commonErrors } from '../../shared.ts';
import {
  ConnectionParams,
  ConnectionSchema,
  connectionBody,
  UpdateConnectionBody,
} from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('sso:manage')] as const,
  'x-permission': 'sso:manage',
  method: 'patch',
  path: '/{connectionId}',
  tags: ['sso'],
  summary: 'Change an OIDC connection (a new issuer or client id is discovered again)',
  request: {
    params: ConnectionParams,
    body: { required: true, content: { 'application/json': { schema: UpdateConnectionBody } } },
  },
  responses: {
    200: { description: 'Updated', content: { 'application/json': { schema: ConnectionSchema } } },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { connectionId } = c.req.valid('param');
    const view = await updateSsoConnection({
      ctx: ssoContext(c, deps),
      input: { connectionId, patch: c.req.valid('json') },
    });
    return c.json(connectionBody(view), 200);
  });
}
