import { createHash } from 'node:crypto';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { HttpProblem, RateLimiter } from '@tenantkit/http';
import { asOwner } from '@tenantkit/lifecycle';
import { getCookie } from 'hono/cookie';
import {
  clearOperatorCookie,
  OPS_SESSION_COOKIE,
  setOperatorCookie,
} from '../auth/operator-session.ts';
import type { OpsDeps } from '../deps.ts';
import { signInOperator } from '../operators/login.ts';
import { problems } from './shared.ts';

const login = createRoute({
  method: 'post',
  path: '/auth/login',
  tags: ['auth'],
  summary: 'Sign in as an operator (password and TOTP)',
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.strictObject({
            email: z.string().min(3).max(320),
            password: z.string().min(1).max(1024),
            totp: z.string().max(16).optional(),
          }),
        },
      },
    },
  },
  responses: { 204: { description: 'Signed in; the session cookie is set' }, ...problems },
});

const logout = createRoute({
  method: 'post',
  path: '/auth/logout',
  tags: ['auth'],
  summary: 'End the operator session',
  responses: { 204: { description: 'Signed out' } },
});

/** Per account (known or not, the same key shape): 10 attempts per 5 minutes. */
const PER_OPERATOR = { limit: 10, windowSeconds: 300 };

export function registerAuthRoutes(app: OpenAPIHono, deps: OpsDeps): void {
  const limiter = new RateLimiter({
    redis: deps.lifecycle.redis,
    prefix: `${deps.lifecycle.keyPrefix}rl:ops:`,
    timeoutMs: 1_000,
  });
  app.openapi(login, async (c) => {
    const input = c.req.valid('json');
    const account = createHash('sha256')
      .update(input.email.trim().toLowerCase())
      .digest('base64url');
    const limit = await limiter.limit(`login:${account}`, PER_OPERATOR).catch(() => {
      throw new HttpProblem({ status: 503, slug: 'unavailable', headers: { 'Retry-After': '5' } });
    });
    if (!limit.allowed) {
      throw new HttpProblem({
        status: 429,
        slug: 'rate-limited',
        headers: { 'Retry-After': String(limit.retryAfterSeconds) },
      });
    }
    const { token } = await signInOperator({
      admin: deps.admin,
      keyRing: deps.keyRing,
      input,
      meta: { userAgent: c.req.header('user-agent') ?? null },
    });
    setOperatorCookie(c, token);
    return c.body(null, 204);
  });
  app.openapi(logout, async (c) => {
    const id = getCookie(c, OPS_SESSION_COOKIE)?.split('.')[0];
    if (id) await asOwner(deps.admin, (tx) => tx`delete from operator_sessions where id = ${id}`);
    clearOperatorCookie(c);
    return c.body(null, 204);
  });
}
