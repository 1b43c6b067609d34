import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { getSsoPolicy } from '@tenantkit/identity';
import { requirePermission } from '../../../auth/require-permission.ts';
import { ssoContext } from '../../../auth/sso-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { commonErrors } from '../../shared.ts';
import { SsoPolicySchema } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('tenant:manage')] as const,
  'x-permission': 'tenant:manage',
  method: 'get',
  path: '/',
  tags: ['sso'],
  summary: 'The workspace’s "SSO required" policy',
  responses: {
    200: { description: 'Policy', content: { 'application/json': { schema: SsoPolicySchema } } },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => c.json(await getSsoPolicy({ ctx: ssoContext(c, deps) }), 200));
}
