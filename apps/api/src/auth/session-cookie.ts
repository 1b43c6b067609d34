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

/**
 * The session cookie's value from the request's Cookie header, or undefined: the first
 * `__Host-tk_session=` pair, as hono's getCookie would return, without parsing (and
 * URI-decoding) every other cookie the browser sends on each request. A session token is
 * base32/base64url and a dot, so there is nothing to decode; anything else fails
 * parseSessionToken afterwards.
 */
export function readSessionCookie(c: Context): string | undefined {
  const header = c.req.header('Cookie');
  if (!header) return undefined;
  for (let at = header.indexOf(SESSION_PAIR); at !== -1; ) {
    const start = at + SESSION_PAIR.length;
    if (startsPair(header, at)) {
      const end = header.indexOf(';', start);
      return (end === -1 ? header.slice(start) : header.slice(start, end)).trim();
    }
    at = header.indexOf(SESSION_PAIR, start);
  }
  return undefined;
}

const SESSION_PAIR = `${SESSION_COOKIE}=`;

/** Whether `at` begins a pair: only blanks between it and the previous ";" or the start. */
function startsPair(header: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && (header[i] === ' ' || header[i] === '\t')) i--;
  return i < 0 || header[i] === ';';
}
