import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { listMembers } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { decodeCursor, toPage } from '../../services/pagination.ts';
import { commonErrors, PageQuery } from '../shared.ts';
import { MemberPageSchema, memberBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('members:read')] as const,
  'x-permission': 'members:read',
  method: 'get',
  path: '/',
  tags: ['members'],
  summary: 'List members, oldest first',
  request: {
    query: PageQuery.extend({ status: z.enum(['active', 'deactivated']).optional() }),
  },
  responses: {
    200: {
      description: 'A page of members',
      content: { 'application/json': { schema: MemberPageSchema } },
    },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const { limit, cursor, status } = c.req.valid('query');
    const rows = await listMembers({
      ctx: adminContext(c, deps),
      input: { limit, afterId: decodeCursor(cursor), ...(status ? { status } : {}) },
    });
    const page = toPage(rows, limit);
    return c.json({ items: page.items.map(memberBody), nextCursor: page.nextCursor }, 200);
  });
}
