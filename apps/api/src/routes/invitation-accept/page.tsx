/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { HttpProblem } from '@tenantkit/http';
import {
  acceptInvitation,
  describeInvitation,
  EmailTakenError,
  InvitationInvalidError,
  WeakPasswordError,
} from '@tenantkit/identity';
import type { Context, Hono } from 'hono';
import { identityContext } from '../../auth/identity-context.ts';
import type { InvitationLimits } from '../../auth/invitation-limits.ts';
import { setSessionCookie } from '../../auth/session-cookie.ts';
import type { ApiDeps } from '../../deps.ts';
import { AcceptInvitationPage } from '../../pages/accept-invitation.tsx';

const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

/**
 * The invitation page of a tenant host (anonymous). The token arrives in the link's query and
 * leaves the page only in the form body; `no-referrer` keeps it out of Referer headers.
 * Rate limited per client address; browser posts must be same-origin (app.ts middleware).
 */
export function registerInvitationPage(app: Hono, deps: ApiDeps, limits: InvitationLimits): void {
  app.use('/invitations/accept', async function invitationPageHeaders(c, next) {
    await next();
    c.res.headers.set('Content-Security-Policy', PAGE_CSP);
    c.res.headers.set('Cache-Control', 'no-store');
    c.res.headers.set('Referrer-Policy', 'no-referrer');
  });

  app.get('/invitations/accept', async (c) => {
    const workspace = c.get('tenant').name;
    const token = c.req.query('token')?.slice(0, 200) ?? '';
    const refused = await limited(c, limits);
    if (refused) return c.html(<AcceptInvitationPage workspace={workspace} error={refused} />, 429);
    try {
      const { email } = await describeInvitation({
        ctx: identityContext(c, deps),
        input: { token },
      });
      return c.html(<AcceptInvitationPage workspace={workspace} token={token} email={email} />);
    } catch (error) {
      if (error instanceof InvitationInvalidError) {
        return c.html(<AcceptInvitationPage workspace={workspace} />, 410);
      }
      throw error;
    }
  });

  app.post('/invitations/accept', async (c) => {
    const workspace = c.get('tenant').name;
    const form = await c.req.parseBody();
    const field = (name: string, max: number) => {
      const value = form[name];
      return typeof value === 'string' ? value.slice(0, max) : '';
    };
    const token = field('token', 200);
    const name = field('name', 200).trim().replaceAll('\u0000', '');
    const password = field('password', 4096);
    const refused = await limited(c, limits);
    if (refused) return c.html(<AcceptInvitationPage workspace={workspace} error={refused} />, 429);
    const ctx = identityContext(c, deps);
    const again = async (error: string, status: 400 | 409 | 422) => {
      const { email } = await describeInvitation({ ctx, input: { token } });
      return c.html(
        <AcceptInvitationPage
          workspace={workspace}
          token={token}
          email={email}
          name={name}
          error={error}
        />,
        status,
      );
    };
    try {
      if (!name || !password) return await again('Enter your name and a password.', 400);
      const session = await acceptInvitation({ ctx, input: { token, name, password } });
      setSessionCookie(c, session.token, session.expiresAt);
      return c.redirect('/account', 303);
    } catch (error) {
      if (error instanceof InvitationInvalidError) {
        return c.html(<AcceptInvitationPage workspace={workspace} />, 410);
      }
      if (error instanceof WeakPasswordError) return again(error.message, 422);
      if (error instanceof EmailTakenError) {
        return c.html(<AcceptInvitationPage workspace={workspace} error={error.message} />, 409);
      }
      throw error;
    }
  });
}

/** The page's message when the limiter refuses (429 also sets Retry-After); else null. */
async function limited(c: Context, limits: InvitationLimits): Promise<string | null> {
  try {
    await limits.check(c);
    return null;
  } catch (error) {
    if (error instanceof HttpProblem && error.status === 429) {
      c.header('Retry-After', error.headers?.['Retry-After'] ?? '60');
      return 'Too many attempts. Try again later.';
    }
    throw error;
  }
}
