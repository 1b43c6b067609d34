import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { listApiKeys } from '@tenantkit/identity';
import { machinesContext } from '../../auth/machines-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { commonErrors } from '../shared.ts';
import { ApiKeySchema, apiKeyBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('keys:manage')] as const,
  'x-permission': 'keys:manage',
  method: 'get',
  path: '/',
  tags: ['api-keys'],
  summary: "The tenant's API keys, newest first (never their secrets)",
  responses: {
    200: {
      description: 'API keys, revoked ones included',
      content: { 'application/json': { schema: z.object({ items: z.array(ApiKeySchema) }) } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const keys = await listApiKeys({ ctx: machinesContext(c, deps) });
    return c.json({ items: keys.map(apiKeyBody) }, 200);
  });
}
