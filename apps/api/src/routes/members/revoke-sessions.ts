import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { revokeMemberSessions } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { adminErrors } from '../admin-errors.ts';
import { MemberParams } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('sessions:manage')] as const,
  'x-permission': 'sessions:manage',
  method: 'delete',
  path: '/{memberId}/sessions',
  tags: ['members'],
  summary: "End all of a member's sessions, everywhere at once",
  request: { params: MemberParams },
  responses: {
    200: {
      description: 'How many sessions ended',
      content: { 'application/json': { schema: z.object({ revoked: z.number().int() }) } },
    },
    ...adminErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const revoked = await revokeMemberSessions({
      ctx: adminContext(c, deps),
      input: c.req.valid('param'),
    });
    return c.json({ revoked }, 200);
  });
}
