import type { Database } from '@tenantkit/db';
import { HttpProblem } from '@tenantkit/http';
import { parseSessionToken, verifySessionSecret } from '@tenantkit/identity';
import { asOwner } from '@tenantkit/lifecycle';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { OPERATOR_SESSION } from '../operators/store.ts';

/**
 * The operator realm's own cookie: another name than the tenants' `__Host-tk_session`, and
 * `__Host-` bound to the ops host alone. A tenant session is never looked up here: its token
 * is not in `operator_sessions`, whichever cookie carries it.
 */
export const OPS_SESSION_COOKIE = '__Host-tk_ops_session';

export interface Operator {
  id: string;
  email: string;
  sessionId: string;
}
export type OpsVariables = { operator: Operator };

export function setOperatorCookie(c: Context, token: string): void {
  setCookie(c, OPS_SESSION_COOKIE, token, {
    path: '/',
    secure: true,
    httpOnly: true,
    sameSite: 'Strict',
    maxAge: OPERATOR_SESSION.absoluteMs / 1000,
  });
}

export function clearOperatorCookie(c: Context): void {
  deleteCookie(c, OPS_SESSION_COOKIE, { path: '/', secure: true });
}

const unauthenticated = () =>
  new HttpProblem({ status: 401, slug: 'unauthenticated', detail: 'Sign in as an operator.' });

/** Requires a live operator session; slides its idle expiry. */
export function requireOperator(admin: Database): MiddlewareHandler<{ Variables: OpsVariables }> {
  return async function requireOperator(c, next) {
    const parsed = parseSessionToken(getCookie(c, OPS_SESSION_COOKIE));
    if (!parsed) throw unauthenticated();
    const [row] = await asOwner(
      admin,
      (tx) => tx<{ secret_hash: string; operator_id: string; email: string }[]>`
        update operator_sessions s
        set last_seen_at = now(),
          expires_at = least(now() + ${`${OPERATOR_SESSION.idleMs} milliseconds`}::interval, s.absolute_expires_at)
        from operators o
        where s.id = ${parsed.id} and o.id = s.operator_id and o.status = 'active'
          and s.expires_at > now() and s.absolute_expires_at > now()
        returning s.secret_hash, s.operator_id, o.email`,
    );
    if (!row || !verifySessionSecret(parsed.secret, row.secret_hash)) throw unauthenticated();
    c.set('operator', { id: row.operator_id, email: row.email, sessionId: parsed.id });
    await next();
  };
}

/**
 * Cookie-authenticated writes must come from the ops console itself: a browser always sends
 * Origin on cross-site POSTs, and SameSite=Strict keeps the cookie off them anyway.
 */
export function sameOrigin(opsHost: string): MiddlewareHandler {
  return async function sameOrigin(c, next) {
    const origin = c.req.header('origin');
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && origin) {
      const host = URL.canParse(origin) ? new URL(origin).hostname : '';
      if (host !== opsHost) {
        throw new HttpProblem({
          status: 403,
          slug: 'cross-origin',
          detail: 'Cross-origin request refused.',
        });
      }
    }
    await next();
  };
}
