import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { completeMfaLogin } from '@tenantkit/identity';
import type { AccountLimits } from '../../auth/account-limits.ts';
import {
  clearMfaChallengeCookie,
  mfaContext,
  readMfaChallengeCookie,
} from '../../auth/mfa-context.ts';
import { setSessionCookie } from '../../auth/session-cookie.ts';
import type { ApiDeps } from '../../deps.ts';
import { ProblemSchema } from '../shared.ts';

export const MfaCodeBody = z
  .strictObject({
    code: z.string().trim().min(6).max(32).openapi({
      description: 'A 6-digit code from the authenticator app, or an unused recovery code',
      example: '123456',
    }),
  })
  .openapi('MfaCode');

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

export const route = createRoute({
  method: 'post',
  path: '/login/mfa',
  tags: ['auth'],
  summary:
    'Second sign-in step: a TOTP or recovery code for the challenge cookie; sets the session',
  request: { body: { required: true, content: { 'application/json': { schema: MfaCodeBody } } } },
  responses: {
    200: {
      description: 'Signed in',
      content: {
        'application/json': {
          schema: z.object({ userId: z.uuid(), expiresAt: z.iso.datetime() }),
        },
      },
    },
    401: problem(
      'invalid-mfa-code (try again), or mfa-challenge-invalid (sign in with the password again)',
    ),
    429: problem('Too many attempts for this account'),
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps, limits: AccountLimits): void {
  app.openapi(route, async (c) => {
    const { code } = c.req.valid('json');
    const session = await completeMfaLogin({
      ctx: mfaContext(c, deps),
      input: {
        challengeToken: readMfaChallengeCookie(c),
        code,
        throttle: (userId) => limits.check(c, 'mfa-login', userId),
      },
    });
    await limits.succeeded(c, 'mfa-login', session.userId);
    clearMfaChallengeCookie(c);
    setSessionCookie(c, session.token, session.expiresAt);
    return c.json({ userId: session.userId, expiresAt: session.expiresAt.toISOString() }, 200);
  });
}
