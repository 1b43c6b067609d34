import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { NotFoundError } from '@tenantkit/db';
import { revokeMemberSessions } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { adminErrors } from '../admin-errors.ts';
import { uuidParam } from '../shared.ts';

export const route = createRoute({
  middleware: [requirePermission('sessions:manage')] as const,
  'x-permission': 'sessions:manage',
  method: 'delete',
  path: '/{memberId}/sessions/{sessionId}',
  tags: ['members'],
  summary: "End one of a member's sessions, everywhere at once",
  request: {
    params: z.object({
      memberId: uuidParam('memberId'),
      sessionId: z
        .string()
        .regex(/^[a-z2-7]{26}$/)
        .openapi({ param: { name: 'sessionId', in: 'path' } }),
    }),
  },
  responses: { 204: { description: 'Revoked' }, ...adminErrors },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const revoked = await revokeMemberSessions({
      ctx: adminContext(c, deps),
      input: c.req.valid('param'),
    });
    if (revoked === 0) throw new NotFoundError('session');
    return c.body(null, 204);
  });
}
