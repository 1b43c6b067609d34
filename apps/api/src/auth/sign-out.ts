import { revokeOwnSession } from '@tenantkit/identity';
import type { Context } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { identityContext } from './identity-context.ts';
import { clearSessionCookie } from './session-cookie.ts';

/** Ends the request's own session (if any) everywhere and clears its cookie. */
export async function signOut(c: Context, deps: ApiDeps): Promise<void> {
  const principal = c.get('principal');
  if (principal?.via === 'session') {
    await revokeOwnSession({
      ctx: identityContext(c, deps),
      input: { userId: principal.id, sessionId: principal.sessionId, reason: 'logout' },
    });
  }
  clearSessionCookie(c);
}
