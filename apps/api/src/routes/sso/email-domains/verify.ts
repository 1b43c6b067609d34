import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { verifySsoEmailDomain } from '@tenantkit/identity';
import { requirePermission } from '../../../auth/require-permission.ts';
import { domainProver, ssoContext } from '../../../auth/sso-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { commonErrors, EmptyActionBody } from '../../shared.ts';
import { DomainParams, domainBody, EmailDomainSchema } from './schemas.ts';

const VerifyResultSchema = EmailDomainSchema.extend({
  check: z.object({
    verified: z.boolean(),
    reason: z.string().optional(),
    detail: z.string().optional(),
  }),
}).openapi('SsoEmailDomainCheck');

export const route = createRoute({
  middleware: [requirePermission('sso:manage')] as const,
  'x-permission': 'sso:manage',
  method: 'post',
  path: '/{domain}/verify',
  tags: ['sso'],
  summary: "Look up the domain's _tenantkit-challenge TXT record now",
  request: { params: DomainParams, body: EmptyActionBody },
  responses: {
    200: {
      description: 'The check ran; `check` says whether the record was found',
      content: { 'application/json': { schema: VerifyResultSchema } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const result = await verifySsoEmailDomain({
      ctx: ssoContext(c, deps),
      input: c.req.valid('param'),
      prover: domainProver(c, deps),
    });
    return c.json({ ...domainBody(result), check: result.check }, 200);
  });
}
