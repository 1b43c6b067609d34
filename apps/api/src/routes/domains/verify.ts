import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { announce, getDomain, restartVerification, verifyDomain } from '@tenantkit/domains';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { domainPolicy, domainServiceContext } from '../../services/domains.ts';
import { commonErrors, ProblemSchema } from '../shared.ts';
import { DomainWithEventsSchema, HostnameParams } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('domains:manage')] as const,
  'x-permission': 'domains:manage',
  method: 'post',
  path: '/{hostname}/verify',
  tags: ['domains'],
  summary: 'Check the TXT record now',
  description:
    'Looks the TXT record up at once (after the customer published it) instead of waiting for the next scheduled check; a `failed` domain gets a fresh verification window.',
  request: {
    params: HostnameParams,
    // An empty JSON object: POSTs to the API carry JSON (the body check runs before auth).
    body: { required: true, content: { 'application/json': { schema: z.object({}).strict() } } },
  },
  responses: {
    200: {
      description: 'The domain after the check',
      content: { 'application/json': { schema: DomainWithEventsSchema } },
    },
    409: {
      description: 'The domain is already verified',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const tenantId = c.get('tenant').id;
    const hostname = c.req.valid('param').hostname.toLowerCase();
    const ctx = domainServiceContext(c, deps);
    const { events } = await restartVerification({ ctx, input: { hostname } });
    await announce(deps, tenantId, hostname, events);
    await verifyDomain(
      {
        db: deps.db,
        redis: deps.redis,
        keyPrefix: deps.keyPrefix,
        policy: domainPolicy(deps),
        dns: deps.dnsResolver,
      },
      { tenantId, hostname },
    );
    const domain = await getDomain({ ctx, input: { hostname } });
    return c.json(domain as z.infer<typeof DomainWithEventsSchema>, 200);
  });
}
