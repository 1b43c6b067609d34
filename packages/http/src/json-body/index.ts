/**
 * Rejects bodies of unsafe methods that are not JSON with a 415 problem, instead of letting the
 * validator read them as `{}` and answer with confusing "required" field errors.
 *
 * @example
 * ```ts
 * app.use('/v1/*', jsonBody());
 * ```
 */
import type { MiddlewareHandler } from 'hono';
import { HttpProblem } from '../problem/index.ts';

export interface JsonBodyOptions {
  /** Methods whose bodies must be JSON; defaults to POST, PUT and PATCH. */
  methods?: readonly string[];
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export const jsonBody = ({
  methods = ['POST', 'PUT', 'PATCH'],
}: JsonBodyOptions = {}): MiddlewareHandler => {
  const guarded = new Set(methods);
  return async function jsonBody(c, next) {
    if (guarded.has(c.req.method)) {
      const type = c.req.header('content-type');
      if (!type || !JSON_MEDIA_TYPE.test(type)) {
        throw new HttpProblem({
          status: 415,
          slug: 'unsupported-media-type',
          detail: 'Send the request body as application/json.',
          headers: { 'Accept-Patch': 'application/json' },
        });
      }
    }
    await next();
  };
};
