import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import { getDomain } from '@tenantkit/domains';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { domainServiceContext } from '../../services/domains.ts';
import { commonErrors } from '../shared.ts';
import { DomainWithEventsSchema, HostnameParams } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('domains:manage')] as const,
  'x-permission': 'domains:manage',
  method: 'get',
  path: '/{hostname}',
  tags: ['domains'],
  summary: 'Get a custom domain with its state history',
  request: { params: HostnameParams },
  responses: {
    200: {
      description: 'The domain, its two lifecycles and their events',
      content: { 'application/json': { schema: DomainWithEventsSchema } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { hostname } = c.req.valid('param');
    const domain = await getDomain({ ctx: domainServiceContext(c, deps), input: { hostname } });
    return c.json(domain as z.infer<typeof DomainWithEventsSchema>, 200);
  });
}
