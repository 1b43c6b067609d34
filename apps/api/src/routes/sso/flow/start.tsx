/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { type DomainError, isUuid } from '@tenantkit/db';
import {
  HttpProblem,
  PROBLEM_KIND_STATUS,
  RateLimiter,
  type RateLimitPolicy,
  rateLimitHeaders,
} from '@tenantkit/http';
import { startSsoSignIn } from '@tenantkit/identity';
import type { Context, Hono } from 'hono';
import { ensureSsoBrowserKey, wantsHtml } from '../../../auth/sso-browser.ts';
import { publicOrigin, ssoContext } from '../../../auth/sso-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { clientAddress } from '../../../middleware/client-address.ts';
import { LoginPage } from '../../../pages/login.tsx';

const START_PER_IP: RateLimitPolicy = { limit: 30, windowSeconds: 60, burst: 30 };

/**
 * Starts an SSO sign-in and sends the browser to the IdP. GET `?connection=<id>` picks a
 * connection directly (links from admins, "SSO required" problems); GET or POST with `email`
 * picks it by the email's verified domain (home-realm discovery from the login page).
 */
export function register(app: Hono, deps: ApiDeps): void {
  // Each start stores a state for ten minutes: bound per client address, like password sign-in.
  const limiter = new RateLimiter({
    redis: deps.redis,
    prefix: `${deps.keyPrefix}rl:`,
    timeoutMs: 1_000,
  });
  const checkLimit = async (c: Context) => {
    const result = await limiter
      .limit(`sso-start-ip:${clientAddress(c) ?? 'unknown'}`, START_PER_IP)
      .catch(() => {
        throw new HttpProblem({
          status: 503,
          slug: 'unavailable',
          headers: { 'Retry-After': '5' },
        });
      });
    if (!result.allowed) {
      throw new HttpProblem({
        status: 429,
        slug: 'rate-limited',
        detail: 'Too many sign-in attempts. Try again later.',
        headers: {
          'Retry-After': String(result.retryAfterSeconds),
          ...rateLimitHeaders('sso-start-ip', START_PER_IP, result),
        },
      });
    }
  };
  const start = async (
    c: Context,
    input: { connection?: string; email?: string; returnTo?: string },
    viaForm = false,
  ) => {
    await checkLimit(c);
    try {
      const { authorizationUrl } = await startSsoSignIn({
        ctx: ssoContext(c, deps),
        input: {
          connectionId: input.connection && isUuid(input.connection) ? input.connection : undefined,
          email: input.email?.slice(0, 320),
          returnTo: input.returnTo,
          browserKey: ensureSsoBrowserKey(c),
          origin: publicOrigin(c, deps),
        },
      });
      // A form's CSP (form-action 'self') also governs where its submission redirects, so a
      // submitted form gets a same-origin page that moves on to the IdP instead.
      if (viaForm && wantsHtml(c)) return c.html(<ContinueToIdp url={authorizationUrl} />);
      return c.redirect(authorizationUrl, 303);
    } catch (error) {
      const domainError = error as DomainError;
      if (!wantsHtml(c) || typeof domainError.problemSlug !== 'string') throw error;
      return c.html(
        <LoginPage
          workspace={c.get('tenant').name}
          error={domainError.message}
          email={input.email}
        />,
        PROBLEM_KIND_STATUS[domainError.problemKind] as 400 | 403 | 404,
      );
    }
  };

  app.get('/start', (c) =>
    start(c, {
      connection: c.req.query('connection'),
      email: c.req.query('email'),
      returnTo: c.req.query('returnTo'),
    }),
  );
  app.post('/start', async (c) => {
    const form = await c.req.parseBody();
    const text = (key: string) =>
      typeof form[key] === 'string' ? (form[key] as string) : undefined;
    return start(
      c,
      { email: text('email'), returnTo: text('returnTo'), connection: text('connection') },
      true,
    );
  });
}

function ContinueToIdp({ url }: { url: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="refresh" content={`0;url=${url}`} />
        <title>Continue to your identity provider</title>
      </head>
      <body>
        <p>
          <a href={url}>Continue to your identity provider</a>
        </p>
      </body>
    </html>
  );
}
