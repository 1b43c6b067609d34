/**
 * Gives every request an id, echoed in the response header and in problem bodies.
 *
 * An inbound id is kept so a trace can span services, but only if it is short and plain:
 * the id lands in logs and headers, so arbitrary caller text would be a log-injection vector.
 *
 * @example
 * ```ts
 * app.use(requestId());
 * app.get('/', (c) => c.text(c.get('requestId')));
 * ```
 */
import type { MiddlewareHandler } from 'hono';

export interface RequestIdOptions {
  /** Header read from the request and written to the response. */
  headerName?: string;
  generator?: () => string;
}

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const requestId = ({
  headerName = 'X-Request-Id',
  generator = () => crypto.randomUUID(),
}: RequestIdOptions = {}): MiddlewareHandler =>
  async function requestId(c, next) {
    const inbound = c.req.header(headerName);
    const id = inbound && ACCEPTABLE_ID.test(inbound) ? inbound : generator();
    c.set('requestId', id);
    // Set before `next()` so the header is on error responses built by `onError` too.
    c.header(headerName, id);
    await next();
  };
