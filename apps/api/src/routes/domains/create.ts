import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import { addDomain, announce } from '@tenantkit/domains';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { domainServiceContext } from '../../services/domains.ts';
import { commonErrors, ProblemSchema } from '../shared.ts';
import { CreateDomainBody, DomainSchema } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('domains:manage')] as const,
  'x-permission': 'domains:manage',
  method: 'post',
  path: '/',
  tags: ['domains'],
  summary: 'Add a custom domain',
  description:
    'Starts `pending_verification`: publish the TXT record of `instructions.ownership` and point the hostname at `instructions.routing` (or `apexRouting`). A hostname another tenant holds is 409; the plan limits the number of domains (422).',
  request: {
    body: { required: true, content: { 'application/json': { schema: CreateDomainBody } } },
  },
  responses: {
    201: { description: 'Added', content: { 'application/json': { schema: DomainSchema } } },
    409: {
      description: 'The hostname is already claimed',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const tenant = c.get('tenant');
    const { domain, events } = await addDomain({
      ctx: domainServiceContext(c, deps),
      input: c.req.valid('json'),
    });
    await announce(deps, tenant.id, domain.hostname, events);
    c.header('Location', `/v1/domains/${domain.hostname}`);
    return c.json(domain as z.infer<typeof DomainSchema>, 201);
  });
}
