import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { revokeServiceClient } from '@tenantkit/identity';
import { machinesContext } from '../../auth/machines-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { commonErrors } from '../shared.ts';
import { ServiceClientParams } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('keys:manage')] as const,
  'x-permission': 'keys:manage',
  method: 'delete',
  path: '/{clientId}',
  tags: ['service-clients'],
  summary: 'Revoke a service client: no new tokens, and its issued tokens stop working at once',
  request: { params: ServiceClientParams },
  responses: { 204: { description: 'Revoked (or already revoked)' }, ...commonErrors },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    await revokeServiceClient({ ctx: machinesContext(c, deps), input: c.req.valid('param') });
    return c.body(null, 204);
  });
}
