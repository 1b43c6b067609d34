import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { changePassword } from '@tenantkit/identity';
import type { AccountLimits } from '../../auth/account-limits.ts';
import { identityContext } from '../../auth/identity-context.ts';
import type { ApiDeps } from '../../deps.ts';
import { ProblemSchema } from '../shared.ts';
import { signedIn } from './sessions.ts';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

export const route = createRoute({
  method: 'post',
  path: '/password',
  tags: ['auth'],
  summary: 'Change the password; every other session of the member ends',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .strictObject({
              currentPassword: z.string().min(1).max(4096),
              newPassword: z.string().min(1).max(4096),
            })
            .openapi('PasswordChange'),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Changed',
      content: {
        'application/json': { schema: z.object({ revokedSessions: z.number().int() }) },
      },
    },
    401: problem('Not signed in'),
    403: problem('The current password is wrong (reauthentication-failed)'),
    422: problem('The new password is not acceptable (weak-password, with a reason)'),
    429: problem('Too many attempts'),
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps, limits: AccountLimits): void {
  app.openapi(route, async (c) => {
    const principal = signedIn(c.get('principal'));
    const body = c.req.valid('json');
    await limits.check(c, 'password-change', principal.id);
    const result = await changePassword({
      ctx: identityContext(c, deps),
      input: { userId: principal.id, currentSessionId: principal.sessionId, ...body },
    });
    await limits.succeeded(c, 'password-change', principal.id);
    return c.json(result, 200);
  });
}
