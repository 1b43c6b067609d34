import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { signOut } from '../../auth/sign-out.ts';
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
    await signOut(c, deps);
    return c.body(null, 204);
  });
}
