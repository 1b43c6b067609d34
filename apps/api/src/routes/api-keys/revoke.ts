import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { revokeApiKey } from '@tenantkit/identity';
import { machinesContext } from '../../auth/machines-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { commonErrors } from '../shared.ts';
import { ApiKeyParams } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('keys:manage')] as const,
  'x-permission': 'keys:manage',
  method: 'delete',
  path: '/{keyId}',
  tags: ['api-keys'],
  summary: 'Revoke an API key; requests with it fail from now on',
  request: { params: ApiKeyParams },
  responses: { 204: { description: 'Revoked (or already revoked)' }, ...commonErrors },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    await revokeApiKey({ ctx: machinesContext(c, deps), input: c.req.valid('param') });
    return c.body(null, 204);
  });
}
