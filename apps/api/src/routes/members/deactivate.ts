import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { deactivateMember } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { adminErrors } from '../admin-errors.ts';
import { MemberParams, MemberSchema, memberBody, StatusChangeBody } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('members:manage')] as const,
  'x-permission': 'members:manage',
  method: 'post',
  path: '/{memberId}/deactivate',
  tags: ['members'],
  summary: 'Deactivate a member: sign-in refused, every session ended at once',
  request: {
    params: MemberParams,
    body: { required: true, content: { 'application/json': { schema: StatusChangeBody } } },
  },
  responses: {
    200: { description: 'The member', content: { 'application/json': { schema: MemberSchema } } },
    ...adminErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const member = await deactivateMember({
      ctx: adminContext(c, deps),
      input: { ...c.req.valid('param'), ...c.req.valid('json') },
    });
    return c.json(memberBody(member), 200);
  });
}
