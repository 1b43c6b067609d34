import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { listDomains } from '@tenantkit/domains';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { domainServiceContext } from '../../services/domains.ts';
import { commonErrors } from '../shared.ts';
import { DomainSchema } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('domains:manage')] as const,
  'x-permission': 'domains:manage',
  method: 'get',
  path: '/',
  tags: ['domains'],
  summary: "List the tenant's custom domains",
  responses: {
    200: {
      description: 'Custom domains with both lifecycles',
      content: { 'application/json': { schema: z.object({ items: z.array(DomainSchema) }) } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const items = await listDomains({ ctx: domainServiceContext(c, deps) });
    return c.json({ items: items as z.infer<typeof DomainSchema>[] }, 200);
  });
}
