import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { listMemberSessions } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { commonErrors } from '../shared.ts';
import { MemberParams, MemberSessionSchema, sessionBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('sessions:manage')] as const,
  'x-permission': 'sessions:manage',
  method: 'get',
  path: '/{memberId}/sessions',
  tags: ['members'],
  summary: "A member's live sessions",
  request: { params: MemberParams },
  responses: {
    200: {
      description: 'Sessions',
      content: {
        'application/json': { schema: z.object({ items: z.array(MemberSessionSchema) }) },
      },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const sessions = await listMemberSessions({
      ctx: adminContext(c, deps),
      input: c.req.valid('param'),
    });
    return c.json({ items: sessions.map(sessionBody) }, 200);
  });
}
