import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { listSsoEmailDomains } from '@tenantkit/identity';
import { requirePermission } from '../../../auth/require-permission.ts';
import { domainProver, ssoContext } from '../../../auth/sso-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { commonErrors } from '../../shared.ts';
import { domainBody, EmailDomainSchema } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('sso:manage')] as const,
  'x-permission': 'sso:manage',
  method: 'get',
  path: '/',
  tags: ['sso'],
  summary: "The workspace's SSO email domains and their verification state",
  responses: {
    200: {
      description: 'Email domains',
      content: { 'application/json': { schema: z.object({ items: z.array(EmailDomainSchema) }) } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const views = await listSsoEmailDomains({
      ctx: ssoContext(c, deps),
      prover: domainProver(c, deps),
    });
    return c.json({ items: views.map(domainBody) }, 200);
  });
}
