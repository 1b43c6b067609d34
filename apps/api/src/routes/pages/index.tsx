/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { HttpProblem } from '@tenantkit/http';
import {
  InvalidCredentialsError,
  loginWithPassword,
  revokeOwnSession,
  SsoRequiredError,
} from '@tenantkit/identity';
import type { Hono } from 'hono';
import { accountLimits } from '../../auth/account-limits.ts';
import { identityContext } from '../../auth/identity-context.ts';
import type { LoginLimits } from '../../auth/login-limits.ts';
import { setMfaChallengeCookie } from '../../auth/mfa-context.ts';
import { setSessionCookie } from '../../auth/session-cookie.ts';
import { signOut } from '../../auth/sign-out.ts';
import type { ApiDeps } from '../../deps.ts';
import { LoginPage, MfaStepPage } from '../../pages/login.tsx';
import { registerAccountSecurityPages } from './account-security.tsx';
import { renderAccount } from './account-view.tsx';
import { registerLoginMfaPage } from './login-mfa.tsx';

const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

/** The server-rendered pages of a tenant host: sign-in and the member's account. */
export function registerPages(app: Hono, deps: ApiDeps, limits: LoginLimits): void {
  for (const path of ['/login', '/login/*', '/account', '/account/*', '/logout']) {
    app.use(path, async function pageHeaders(c, next) {
      await next();
      c.res.headers.set('Content-Security-Policy', PAGE_CSP);
      c.res.headers.set('Cache-Control', 'no-store');
    });
  }

  app.get('/login', (c) => {
    if (c.get('principal')) return c.redirect('/account', 303);
    return c.html(<LoginPage workspace={c.get('tenant').name} />);
  });

  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const email = typeof form.email === 'string' ? form.email.slice(0, 320) : '';
    const password = typeof form.password === 'string' ? form.password.slice(0, 4096) : '';
    const again = (error: string, status: 400 | 401 | 403 | 429) =>
      c.html(<LoginPage workspace={c.get('tenant').name} error={error} email={email} />, status);
    if (!email || !password) return again('Enter your email and password.', 400);
    try {
      await limits.check(c, email);
      const session = await loginWithPassword({
        ctx: identityContext(c, deps),
        input: { email, password },
      });
      await limits.succeeded(c, email);
      if (session.status === 'mfa_required') {
        setMfaChallengeCookie(c, session.challengeToken, session.challengeExpiresAt);
        return c.html(<MfaStepPage workspace={c.get('tenant').name} />);
      }
      setSessionCookie(c, session.token, session.expiresAt);
      return c.redirect('/account', 303);
    } catch (error) {
      if (error instanceof InvalidCredentialsError) return again(error.message, 401);
      if (error instanceof SsoRequiredError) return again(error.message, 403);
      if (error instanceof HttpProblem && error.status === 429) {
        c.header('Retry-After', error.headers?.['Retry-After'] ?? '60');
        return again('Too many sign-in attempts. Try again later.', 429);
      }
      throw error;
    }
  });

  app.get('/account', async (c) => {
    const principal = c.get('principal');
    if (principal?.via !== 'session') return c.redirect('/login', 303);
    return renderAccount(c, deps, principal);
  });

  app.post('/account/sessions/:sessionId/revoke', async (c) => {
    const principal = c.get('principal');
    if (principal?.via !== 'session') return c.redirect('/login', 303);
    const sessionId = c.req.param('sessionId');
    if (/^[a-z2-7]{26}$/.test(sessionId)) {
      await revokeOwnSession({
        ctx: identityContext(c, deps),
        input: { userId: principal.id, sessionId, reason: 'revoke' },
      });
    }
    return c.redirect('/account', 303);
  });

  app.post('/logout', async (c) => {
    await signOut(c, deps);
    return c.redirect('/login', 303);
  });

  const guesses = accountLimits(deps);
  registerLoginMfaPage(app, deps, guesses);
  registerAccountSecurityPages(app, deps, guesses);
}
