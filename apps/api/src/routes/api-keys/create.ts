import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { issueApiKey } from '@tenantkit/identity';
import { machinesContext } from '../../auth/machines-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { NO_STORE } from '../machine-schemas.ts';
import { commonErrors } from '../shared.ts';
import { apiKeyBody, CreateApiKeyBody, CreatedApiKeySchema } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('keys:manage')] as const,
  'x-permission': 'keys:manage',
  method: 'post',
  path: '/',
  tags: ['api-keys'],
  summary: 'Create an API key (the key is in this response only)',
  description: 'Scopes must be permissions the caller holds (403 permission-not-held otherwise).',
  request: {
    body: { required: true, content: { 'application/json': { schema: CreateApiKeyBody } } },
  },
  responses: {
    201: {
      description: 'Created',
      content: { 'application/json': { schema: CreatedApiKeySchema } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const input = c.req.valid('json');
    const { key, apiKey } = await issueApiKey({
      ctx: machinesContext(c, deps),
      input: {
        name: input.name,
        scopes: input.scopes,
        expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      },
    });
    c.header('Location', `/v1/api-keys/${apiKey.id}`);
    return c.json({ ...apiKeyBody(apiKey), key }, 201, NO_STORE);
  });
}
