import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { getMfaStatus } from '@tenantkit/identity';
import { identityContext } from '../../../auth/identity-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { signedIn } from '../sessions.ts';
import { signedInOnly } from './schemas.ts';

export const route = createRoute({
  method: 'get',
  path: '/mfa',
  tags: ['auth'],
  summary: "The signed-in member's two-factor authentication status",
  responses: {
    200: {
      description: 'Status',
      content: {
        'application/json': {
          schema: z
            .object({
              enabled: z.boolean(),
              enabledAt: z.iso.datetime().nullable(),
              pending: z.boolean(),
              recoveryCodesRemaining: z.number().int(),
              requiredByTenant: z.boolean(),
            })
            .openapi('MfaStatus'),
        },
      },
    },
    ...signedInOnly,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const principal = signedIn(c.get('principal'));
    const status = await getMfaStatus({
      ctx: identityContext(c, deps),
      input: { userId: principal.id },
    });
    return c.json({ ...status, enabledAt: status.enabledAt?.toISOString() ?? null }, 200);
  });
}
