import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { withTenant } from '@tenantkit/db';
import { HttpProblem } from '@tenantkit/http';
import { listUserSessions, revokeOwnSession } from '@tenantkit/identity';
import { identityContext } from '../../auth/identity-context.ts';
import type { Principal, SessionPrincipal } from '../../auth/principal.ts';
import type { ApiDeps } from '../../deps.ts';
import { ProblemSchema } from '../shared.ts';

const SessionSchema = z
  .object({
    id: z.string(),
    current: z.boolean(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    createdAt: z.iso.datetime(),
    lastSeenAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
  })
  .openapi('Session');

const unauthenticated = {
  description: 'Not signed in',
  content: { 'application/problem+json': { schema: ProblemSchema } },
};

export const listRoute = createRoute({
  method: 'get',
  path: '/sessions',
  tags: ['auth'],
  summary: "The signed-in member's sessions",
  responses: {
    200: {
      description: 'Sessions',
      content: { 'application/json': { schema: z.object({ items: z.array(SessionSchema) }) } },
    },
    401: unauthenticated,
  },
});

export const revokeRoute = createRoute({
  method: 'delete',
  path: '/sessions/{sessionId}',
  tags: ['auth'],
  summary: "Revoke one of the signed-in member's sessions",
  request: {
    params: z.object({
      sessionId: z
        .string()
        .regex(/^[a-z2-7]{26}$/)
        .openapi({ param: { name: 'sessionId', in: 'path' } }),
    }),
  },
  responses: {
    204: { description: 'Revoked' },
    401: unauthenticated,
    404: {
      description: 'No such session of yours',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

export function signedIn(principal: Principal | undefined): SessionPrincipal {
  if (principal?.via !== 'session') throw new HttpProblem({ status: 401, slug: 'unauthenticated' });
  return principal;
}

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(listRoute, async (c) => {
    const principal = signedIn(c.get('principal'));
    const tenant = c.get('tenant');
    const sessions = await withTenant(deps.db, tenant.id, (tx) =>
      listUserSessions(tx, tenant, principal.id),
    );
    return c.json(
      {
        items: sessions.map((s) => ({
          id: s.id,
          current: s.id === principal.sessionId,
          ip: s.ip,
          userAgent: s.userAgent,
          createdAt: s.createdAt.toISOString(),
          lastSeenAt: s.lastSeenAt.toISOString(),
          expiresAt: s.expiresAt.toISOString(),
        })),
      },
      200,
    );
  });
  app.openapi(revokeRoute, async (c) => {
    const principal = signedIn(c.get('principal'));
    const { sessionId } = c.req.valid('param');
    const revoked = await revokeOwnSession({
      ctx: identityContext(c, deps),
      input: { userId: principal.id, sessionId, reason: 'revoke' },
    });
    if (!revoked)
      throw new HttpProblem({ status: 404, slug: 'not-found', detail: 'session not found' });
    return c.body(null, 204);
  });
}
