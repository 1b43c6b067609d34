import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { acceptInvitation } from '@tenantkit/identity';
import { identityContext } from '../../auth/identity-context.ts';
import type { InvitationLimits } from '../../auth/invitation-limits.ts';
import { setSessionCookie } from '../../auth/session-cookie.ts';
import type { ApiDeps } from '../../deps.ts';
import { ProblemSchema, storedText } from '../shared.ts';

export const AcceptBody = z
  .strictObject({
    token: z.string().min(1).max(200),
    name: storedText(z.string().trim().min(1).max(200)),
    password: z.string().min(1).max(4096),
  })
  .openapi('InvitationAccept');

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

export const route = createRoute({
  method: 'post',
  path: '/accept',
  tags: ['auth'],
  summary: 'Accept an invitation: choose name and password, become a member, get a session',
  request: { body: { required: true, content: { 'application/json': { schema: AcceptBody } } } },
  responses: {
    201: {
      description: 'Joined and signed in (sets the session cookie)',
      content: {
        'application/json': {
          schema: z
            .object({ userId: z.uuid(), expiresAt: z.iso.datetime() })
            .openapi('InvitationAccepted'),
        },
      },
    },
    403: problem('A browser request from another site'),
    409: problem('The email became a member meanwhile'),
    410: problem('Invalid, tampered, expired, revoked or already used token (one answer)'),
    422: problem('The password is not acceptable, or the body failed validation'),
    429: problem('Too many attempts from this address'),
  },
});

/** The JSON twin of the invitation page, mounted at /auth/invitations. */
export function register(app: OpenAPIHono, deps: ApiDeps, limits: InvitationLimits): void {
  app.openapi(route, async (c) => {
    await limits.check(c);
    const session = await acceptInvitation({
      ctx: identityContext(c, deps),
      input: c.req.valid('json'),
    });
    setSessionCookie(c, session.token, session.expiresAt);
    return c.json({ userId: session.userId, expiresAt: session.expiresAt.toISOString() }, 201);
  });
}
