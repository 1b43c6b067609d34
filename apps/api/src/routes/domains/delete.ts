import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { announce, removeDomain } from '@tenantkit/domains';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { domainServiceContext } from '../../services/domains.ts';
import { commonErrors } from '../shared.ts';
import { HostnameParams } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('domains:manage')] as const,
  'x-permission': 'domains:manage',
  method: 'delete',
  path: '/{hostname}',
  tags: ['domains'],
  summary: 'Remove a custom domain',
  description: 'Stops serving it on every instance at once; its certificate is never renewed.',
  request: { params: HostnameParams },
  responses: { 204: { description: 'Removed' }, ...commonErrors },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { hostname } = c.req.valid('param');
    const { events } = await removeDomain({
      ctx: domainServiceContext(c, deps),
      input: { hostname },
    });
    await announce(deps, c.get('tenant').id, hostname.toLowerCase(), events);
    return c.body(null, 204);
  });
}
