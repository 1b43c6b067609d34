import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { addSsoEmailDomain } from '@tenantkit/identity';
import { requirePermission } from '../../../auth/require-permission.ts';
import { domainProver, ssoContext } from '../../../auth/sso-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { commonErrors } from '../../shared.ts';
import { AddDomainBody, domainBody, EmailDomainSchema } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('sso:manage')] as const,
  'x-permission': 'sso:manage',
  method: 'post',
  path: '/',
  tags: ['sso'],
  summary: 'Add an email domain to prove; answers with the TXT record to publish',
  request: {
    body: { required: true, content: { 'application/json': { schema: AddDomainBody } } },
  },
  responses: {
    201: {
      description: 'Added (or already there)',
      content: { 'application/json': { schema: EmailDomainSchema } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const view = await addSsoEmailDomain({
      ctx: ssoContext(c, deps),
      input: c.req.valid('json'),
      prover: domainProver(c, deps),
    });
    return c.json(domainBody(view), 201);
  });
}
