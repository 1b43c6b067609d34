/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { isUuid } from '@tenantkit/db';
import { HttpProblem } from '@tenantkit/http';
import { completeSsoSignIn, SsoSignInError } from '@tenantkit/identity';
import type { Hono } from 'hono';
import { setSessionCookie } from '../../../auth/session-cookie.ts';
import { ssoBrowserKey, wantsHtml } from '../../../auth/sso-browser.ts';
import { ssoContext } from '../../../auth/sso-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { LoginPage } from '../../../pages/login.tsx';

/**
 * Where the IdP sends the browser back: one path per connection, so a response can only be
 * taken for the connection it was requested for. Success sets the usual session cookie.
 */
export function register(app: Hono, deps: ApiDeps): void {
  app.get('/callback/:connectionId', async (c) => {
    const connectionId = c.req.param('connectionId');
    if (!isUuid(connectionId)) throw new HttpProblem({ status: 404, slug: 'not-found' });
    try {
      const result = await completeSsoSignIn({
        ctx: ssoContext(c, deps),
        input: {
          connectionId,
          params: new URL(c.req.url).searchParams,
          browserKey: ssoBrowserKey(c),
        },
      });
      setSessionCookie(c, result.token, result.expiresAt);
      return c.redirect(result.returnTo, 303);
    } catch (error) {
      if (!(error instanceof SsoSignInError) || !wantsHtml(c)) throw error;
      return c.html(
        <LoginPage
          workspace={c.get('tenant').name}
          error={`Single sign-on failed: ${error.message}`}
        />,
        error.problemKind === 'forbidden' ? 403 : 401,
      );
    }
  });
}
