/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { HttpProblem } from '@tenantkit/http';
import {
  completeMfaLogin,
  InvalidMfaCodeError,
  MfaChallengeInvalidError,
} from '@tenantkit/identity';
import type { Hono } from 'hono';
import type { AccountLimits } from '../../auth/account-limits.ts';
import {
  clearMfaChallengeCookie,
  mfaContext,
  readMfaChallengeCookie,
} from '../../auth/mfa-context.ts';
import { setSessionCookie } from '../../auth/session-cookie.ts';
import type { ApiDeps } from '../../deps.ts';
import { LoginPage, MfaStepPage } from '../../pages/login.tsx';

/** The page form of the second sign-in step (the JSON one is POST /auth/login/mfa). */
export function registerLoginMfaPage(app: Hono, deps: ApiDeps, limits: AccountLimits): void {
  // A reload of the step (or a bookmark): the form again while a challenge cookie exists.
  app.get('/login/mfa', (c) => {
    if (!readMfaChallengeCookie(c)) return c.redirect('/login', 303);
    return c.html(<MfaStepPage workspace={c.get('tenant').name} />);
  });

  app.post('/login/mfa', async (c) => {
    const workspace = c.get('tenant').name;
    const form = await c.req.parseBody();
    const code = typeof form.code === 'string' ? form.code.slice(0, 32) : '';
    try {
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
      return c.redirect('/account', 303);
    } catch (error) {
      if (error instanceof InvalidMfaCodeError) {
        return c.html(<MfaStepPage workspace={workspace} error={error.message} />, 401);
      }
      if (error instanceof MfaChallengeInvalidError) {
        clearMfaChallengeCookie(c);
        return c.html(<LoginPage workspace={workspace} error={error.message} />, 401);
      }
      if (error instanceof HttpProblem && error.status === 429) {
        c.header('Retry-After', error.headers?.['Retry-After'] ?? '60');
        return c.html(
          <MfaStepPage workspace={workspace} error="Too many attempts. Try again later." />,
          429,
        );
      }
      throw error;
    }
  });
}
