import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { deleteSsoConnection } from '@tenantkit/identity';
import { requirePermission } from '../../../auth/require-permission.ts';
import { ssoContext } from '../../../auth/sso-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { commonErrors } from '../../shared.ts';
import { ConnectionParams } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('sso:manage')] as const,
  'x-permission': 'sso:manage',
  method: 'delete',
  path: '/{connectionId}',
  tags: ['sso'],
  summary: 'Delete an OIDC connection and its external identities (members stay)',
  request: { params: ConnectionParams },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    await deleteSsoConnection({ ctx: ssoContext(c, deps), input: c.req.valid('param') });
    return c.body(null, 204);
  });
}
