import { randomToken } from '@tenantkit/identity';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

/**
 * `__Host-tk_sso` ties a started SSO sign-in to this browser: the state stored server-side
 * carries a hash of it, so a callback URL carried to another browser (login CSRF, a leaked
 * link) is refused. SameSite=Lax still sends it on the IdP's top-level redirect back.
 */
export const SSO_BROWSER_COOKIE = '__Host-tk_sso';

export function ssoBrowserKey(c: Context): string | undefined {
  const value = getCookie(c, SSO_BROWSER_COOKIE);
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

/** The browser's key, created (and set for ten minutes) when it has none yet. */
export function ensureSsoBrowserKey(c: Context): string {
  const existing = ssoBrowserKey(c);
  const key = existing ?? randomToken(32);
  setCookie(c, SSO_BROWSER_COOKIE, key, {
    path: '/',
    secure: true,
    httpOnly: true,
    sameSite: 'Lax',
    maxAge: 600,
  });
  return key;
}

/** Browsers get pages; API clients and tests get problem+json. */
export const wantsHtml = (c: Context) => (c.req.header('accept') ?? '').includes('text/html');
