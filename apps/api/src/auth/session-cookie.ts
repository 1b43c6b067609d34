import { SESSION_COOKIE } from '@tenantkit/identity';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';

/**
 * `__Host-` cookies are bound to the exact host that set them (no Domain, Path=/, Secure), so
 * a session of one custom domain is never sent to another tenant's host. Browsers treat
 * `http://*.localhost` as a secure context, which keeps local development on plain HTTP.
 */
export function setSessionCookie(c: Context, token: string, expiresAt: Date): void {
  setCookie(c, SESSION_COOKIE, token, {
    path: '/',
    secure: true,
    httpOnly: true,
    sameSite: 'Lax',
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
}
