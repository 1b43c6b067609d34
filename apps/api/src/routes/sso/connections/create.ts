import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { createSsoConnection } from '@tenantkit/identity';
import { requirePermission } from '../../../auth/require-permission.ts';
import { ssoContext } from '../../../auth/sso-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { commonErrors } from '../../shared.ts';
import { ConnectionSchema, CreateConnectionBody, connectionBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('sso:manage')] as const,
  'x-permission': 'sso:manage',
  method: 'post',
  path: '/',
  tags: ['sso'],
  summary: 'Create an OIDC connection (disabled until enabled); discovery must succeed',
  request: {
    body: { required: true, content: { 'application/json': { schema: CreateConnectionBody } } },
  },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: ConnectionSchema } } },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const view = await createSsoConnection({
      ctx: ssoContext(c, deps),
      input: c.req.valid('json'),
    });
    c.header('Location', `/v1/sso/connections/${view.id}`);
    return c.json(connectionBody(view), 201);
  });
}
