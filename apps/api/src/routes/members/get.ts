import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { getMember } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { commonErrors } from '../shared.ts';
import { MemberParams, MemberSchema, memberBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('members:read')] as const,
  'x-permission': 'members:read',
  method: 'get',
  path: '/{memberId}',
  tags: ['members'],
  summary: 'Get a member with their roles',
  request: { params: MemberParams },
  responses: {
    200: { description: 'The member', content: { 'application/json': { schema: MemberSchema } } },
    ...commonErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const member = await getMember({ ctx: adminContext(c, deps), input: c.req.valid('param') });
    return c.json(memberBody(member), 200);
  });
}
