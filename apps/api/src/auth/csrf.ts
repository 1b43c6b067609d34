import { HttpProblem } from '@tenantkit/http';
import type { Context, MiddlewareHandler } from 'hono';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses cookie-authenticated unsafe requests that a browser says come from another site:
 * `Sec-Fetch-Site` when the browser sends it, else `Origin` compared with this request's own
 * origin. Bearer credentials are not sent ambiently, so they need no such check.
 *
 * @example
 * app.use('/v1/*', authenticate(deps), sameOriginForCookies());
 */
export const sameOriginForCookies = (): MiddlewareHandler =>
  async function sameOriginForCookies(c, next) {
    assertSameOriginForCookies(c);
    await next();
  };

/** `sameOriginForCookies`'s check, for a middleware that runs several (apiGuard). */
export function assertSameOriginForCookies(c: Context): void {
  const principal = c.get('principal');
  if (principal?.via === 'session' && !SAFE.has(c.req.method) && !isSameOrigin(c.req.raw)) {
    throw new HttpProblem({
      status: 403,
      slug: 'cross-site-request',
      detail: 'Cookie-authenticated changes must come from this workspace’s own pages.',
    });
  }
}

/**
 * For endpoints that take no cookie yet (sign-in): a browser request must come from this
 * origin, so another site cannot sign a visitor into an account of its choosing (login CSRF).
 * Requests without browser headers (curl, servers) carry no ambient credential and pass.
 */
export const sameOriginForBrowsers = (): MiddlewareHandler =>
  async function sameOriginForBrowsers(c, next) {
    const fromBrowser =
      c.req.header('sec-fetch-site') !== undefined || c.req.header('origin') !== undefined;
    if (!SAFE.has(c.req.method) && fromBrowser && !isSameOrigin(c.req.raw)) {
      throw new HttpProblem({
        status: 403,
        slug: 'cross-site-request',
        detail: 'This form must be submitted from this workspace’s own pages.',
      });
    }
    await next();
  };

function isSameOrigin(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = request.headers.get('origin');
  if (!origin) return false;
  const host = request.headers.get('host');
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
