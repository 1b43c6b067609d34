import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { setMemberRoles } from '@tenantkit/identity';
import { adminContext } from '../../auth/admin-context.ts';
import { requirePermission } from '../../auth/require-permission.ts';
import type { ApiDeps } from '../../deps.ts';
import { adminErrors } from '../admin-errors.ts';
import { MemberParams, MemberSchema, memberBody, RoleKeyList } from './schemas.ts';

export const route = createRoute({
  middleware: [requirePermission('members:manage')] as const,
  'x-permission': 'members:manage',
  method: 'put',
  path: '/{memberId}/roles',
  tags: ['members'],
  summary: "Replace a member's roles",
  description:
    'Each added role is a grant and each removed role a revocation: the caller must hold every permission of both; only owners grant or revoke `owner` or change an owner; the last owner cannot be demoted.',
  request: {
    params: MemberParams,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({ roleKeys: RoleKeyList }).openapi('MemberRoles'),
        },
      },
    },
  },
  responses: {
    200: { description: 'The member', content: { 'application/json': { schema: MemberSchema } } },
    ...adminErrors,
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const member = await setMemberRoles({
      ctx: adminContext(c, deps),
      input: { ...c.req.valid('param'), ...c.req.valid('json') },
    });
    return c.json(memberBody(member), 200);
  });
}
