import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { loginWithPassword } from '@tenantkit/identity';
import { identityContext } from '../../auth/identity-context.ts';
import type { LoginLimits } from '../../auth/login-limits.ts';
import { setMfaChallengeCookie } from '../../auth/mfa-context.ts';
import { setSessionCookie } from '../../auth/session-cookie.ts';
import type { ApiDeps } from '../../deps.ts';
import { ProblemSchema } from '../shared.ts';

export const LoginBody = z
  .strictObject({
    email: z.string().trim().min(3).max(320),
    password: z.string().min(1).max(4096),
  })
  .openapi('Login');

export const route = createRoute({
  method: 'post',
  path: '/login',
  tags: ['auth'],
  summary: 'Sign in with email and password; sets the session cookie',
  request: { body: { required: true, content: { 'application/json': { schema: LoginBody } } } },
  responses: {
    200: {
      description: 'Signed in',
      content: {
        'application/json': {
          schema: z
            .object({ userId: z.uuid(), expiresAt: z.iso.datetime() })
            .openapi('LoginResult'),
        },
      },
    },
    202: {
      description:
        'Password accepted; the account has two-factor authentication. A challenge cookie is set: finish with POST /auth/login/mfa',
      content: {
        'application/json': {
          schema: z
            .object({ mfaRequired: z.literal(true), challengeExpiresAt: z.iso.datetime() })
            .openapi('LoginMfaRequired'),
        },
      },
    },
    401: {
      description: 'Wrong email or password (the same answer for unknown accounts)',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
    429: {
      description: 'Too many attempts',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps, limits: LoginLimits): void {
  app.openapi(route, async (c) => {
    const input = c.req.valid('json');
    await limits.check(c, input.email);
    const session = await loginWithPassword({ ctx: identityContext(c, deps), input });
    await limits.succeeded(c, input.email);
    if (session.status === 'mfa_required') {
      setMfaChallengeCookie(c, session.challengeToken, session.challengeExpiresAt);
      return c.json(
        {
          mfaRequired: true as const,
          challengeExpiresAt: session.challengeExpiresAt.toISOString(),
        },
        202,
      );
    }
    setSessionCookie(c, session.token, session.expiresAt);
    return c.json({ userId: session.userId, expiresAt: session.expiresAt.toISOString() }, 200);
  });
}
