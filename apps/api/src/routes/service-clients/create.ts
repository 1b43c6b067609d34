import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { createServiceClient } from '@tenantkit/identity';
import { machinesContext } from '../../auth/machines-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { NO_STORE } from '../machine-schemas.ts';
import { commonErrors } from '../shared.ts';
import {
  CreatedServiceClientSchema,
  CreateServiceClientBody,
  serviceClientBody,
} from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('keys:manage')] as const,
  'x-permission': 'keys:manage',
  method: 'post',
  path: '/',
  tags: ['service-clients'],
  summary: 'Create an OAuth2 service client (the secret is in this response only)',
  description: 'Scopes must be permissions the caller holds (403 permission-not-held otherwise).',
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: CreateServiceClientBody } },
    },
  },
  responses: {
    201: {
      description: 'Created',
      content: { 'application/json': { schema: CreatedServiceClientSchema } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { clientSecret, client } = await createServiceClient({
      ctx: machinesContext(c, deps),
      input: c.req.valid('json'),
    });
    c.header('Location', `/v1/service-clients/${client.clientId}`);
    return c.json(
      { ...serviceClientBody(client), clientSecret, tokenEndpoint: '/oauth/token' },
      201,
      NO_STORE,
    );
  });
}
