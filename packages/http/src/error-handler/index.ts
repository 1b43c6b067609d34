/**
 * `app.onError` and `app.notFound` handlers that answer with problem+json.
 *
 * @example
 * ```ts
 * const app = new OpenAPIHono({ defaultHook: validationHook });
 * app.onError(errorHandler({ logger }));
 * app.notFound(notFoundHandler());
 * ```
 */
import type { ErrorHandler, NotFoundHandler } from 'hono';
import type { Logger } from 'pino';
import { problemFromError } from '../problem/from-error.ts';
import { problemResponse, problemType } from '../problem/index.ts';

export interface ErrorHandlerOptions {
  /** Fallback when `requestLogger()` has not put a per-request child on the context. */
  logger: Logger;
}

export const errorHandler = ({ logger }: ErrorHandlerOptions): ErrorHandler =>
  function errorHandler(err, c) {
    const { problem, headers, unexpected } = problemFromError(err);
    if (unexpected) {
      // The client only sees a generic 500; the message and stack go to the log, keyed by the
      // request id that the client does see, so support can find them.
      const log: Logger = c.get('logger') ?? logger;
      log.error({ err, method: c.req.method, path: c.req.path }, 'unhandled error');
    }
    return problemResponse(c, problem, headers);
  };

export const notFoundHandler = (): NotFoundHandler =>
  function notFoundHandler(c) {
    return problemResponse(c, {
      type: problemType('not-found'),
      title: 'Not Found',
      status: 404,
      detail: `No route matches ${c.req.method} ${c.req.path}.`,
    });
  };
