import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { listServiceClients } from '@tenantkit/identity';
import { machinesContext } from '../../auth/machines-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { commonErrors } from '../shared.ts';
import { ServiceClientSchema, serviceClientBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('keys:manage')] as const,
  'x-permission': 'keys:manage',
  method: 'get',
  path: '/',
  tags: ['service-clients'],
  summary: "The tenant's service clients, newest first (never their secrets)",
  responses: {
    200: {
      description: 'Service clients, revoked ones included',
      content: {
        'application/json': { schema: z.object({ items: z.array(ServiceClientSchema) }) },
      },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const clients = await listServiceClients({ ctx: machinesContext(c, deps) });
    return c.json({ items: clients.map(serviceClientBody) }, 200);
  });
}
