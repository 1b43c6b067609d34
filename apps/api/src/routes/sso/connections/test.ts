import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { testSsoConnection } from '@tenantkit/identity';
import { requirePermission } from '../../../auth/require-permission.ts';
import { ssoContext } from '../../../auth/sso-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { commonErrors, EmptyActionBody } from '../../shared.ts';
import { ConnectionParams } from './schemas.ts';

const TestResultSchema = z
  .object({
    ok: z.boolean(),
    problems: z.array(z.string()),
    issuer: z.string(),
    authorizationEndpoint: z.string().optional(),
    tokenEndpoint: z.string().optional(),
    jwksUri: z.string().optional(),
    idTokenAlgsSupported: z.array(z.string()).optional(),
  })
  .openapi('SsoConnectionTest');

export const route = createRoute({
  middleware: [requirePermission('sso:manage')] as const,
  'x-permission': 'sso:manage',
  method: 'post',
  path: '/{connectionId}/test',
  tags: ['sso'],
  summary: 'Run discovery now and report what would stop sign-ins',
  request: { params: ConnectionParams, body: EmptyActionBody },
  responses: {
    200: { description: 'Result', content: { 'application/json': { schema: TestResultSchema } } },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const result = await testSsoConnection({
      ctx: ssoContext(c, deps),
      input: c.req.valid('param'),
    });
    return c.json(result, 200);
  });
}
