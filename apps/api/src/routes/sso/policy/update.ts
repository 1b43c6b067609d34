import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { setSsoPolicy } from '@tenantkit/identity';
import { requirePermission } from '../../../auth/require-permission.ts';
import { ssoContext } from '../../../auth/sso-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { commonErrors } from '../../shared.ts';
import { SsoPolicySchema } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('tenant:manage')] as const,
  'x-permission': 'tenant:manage',
  method: 'put',
  path: '/',
  tags: ['sso'],
  summary: 'Turn the "SSO required" policy on or off',
  request: {
    body: { required: true, content: { 'application/json': { schema: SsoPolicySchema.strict() } } },
  },
  responses: {
    200: { description: 'Policy', content: { 'application/json': { schema: SsoPolicySchema } } },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const policy = await setSsoPolicy({ ctx: ssoContext(c, deps), input: c.req.valid('json') });
    return c.json(policy, 200);
  });
}
