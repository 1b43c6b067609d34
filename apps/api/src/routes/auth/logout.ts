import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { revokeOwnSession } from '@tenantkit/identity';
import { identityContext } from '../../auth/identity-context.ts';
import { clearSessionCookie } from '../../auth/session-cookie.ts';
import type { ApiDeps } from '../../deps.ts';
import { ProblemSchema } from '../shared.ts';

export const route = createRoute({
  method: 'post',
  path: '/logout',
  tags: ['auth'],
  summary: 'End the current session',
  responses: {
    204: { description: 'Signed out' },
    401: {
      description: 'Not signed in',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const principal = c.get('principal');
    if (principal) {
      await revokeOwnSession({
        ctx: identityContext(c, deps),
        input: { userId: principal.id, sessionId: principal.sessionId, reason: 'logout' },
      });
    }
    clearSessionCookie(c);
    return c.body(null, 204);
  });
}
