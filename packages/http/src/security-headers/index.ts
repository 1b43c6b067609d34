/**
 * Conservative security headers for a JSON API. Each header is only set when the response does
 * not already have it, so a route such as `/docs` can send its own Content-Security-Policy.
 *
 * @example
 * ```ts
 * app.use(securityHeaders());
 * app.get('/docs', (c) => {
 *   c.header('Content-Security-Policy', "default-src 'self'; script-src 'self' cdn.example");
 *   return c.html(page);
 * });
 * ```
 */
import type { Context, MiddlewareHandler } from 'hono';

export interface SecurityHeadersOptions {
  /**
   * `'auto'` sends Strict-Transport-Security only on https requests (directly or per
   * X-Forwarded-Proto from the TLS-terminating proxy).
   */
  hsts?: boolean | 'auto';
  /** Default policy for responses that set none; an API response never needs to load anything. */
  contentSecurityPolicy?: string;
}

// No includeSubDomains: tenants bring custom domains, and we must not pin HTTPS onto
// subdomains of theirs that we do not serve.
const HSTS = 'max-age=31536000';

const STATIC_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
  ['X-Frame-Options', 'DENY'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
];

// Trusting a spoofed X-Forwarded-Proto is harmless here: browsers ignore HSTS received over
// plain http (RFC 6797 section 8.1), so the worst case is a header nobody honours.
const isHttps = (c: Context): boolean =>
  c.req.url.startsWith('https:') || c.req.header('X-Forwarded-Proto') === 'https';

export const securityHeaders = ({
  hsts = 'auto',
  contentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'",
}: SecurityHeadersOptions = {}): MiddlewareHandler =>
  async function securityHeaders(c, next) {
    await next();
    // After `next()` so we see what the route set and can leave its choices alone. Writing to
    // `c.res.headers` directly (as Hono's secureHeaders does) avoids `c.header()`, which clones
    // the finalized response on every call.
    const headers = c.res.headers;
    const setIfAbsent = (name: string, value: string) => {
      if (!headers.has(name)) headers.set(name, value);
    };
    for (const [name, value] of STATIC_HEADERS) setIfAbsent(name, value);
    setIfAbsent('Content-Security-Policy', contentSecurityPolicy);
    if (hsts === true || (hsts === 'auto' && isHttps(c)))
      setIfAbsent('Strict-Transport-Security', HSTS);
  };
