/**
 * One JSON line per request, and a per-request child logger on `c.get('logger')`.
 *
 * Mount after `requestId()` so the child carries the id. `tenantId` is read when the line is
 * written, not at the start, because tenant resolution runs later in the chain.
 *
 * @example
 * ```ts
 * app.use(requestId(), requestLogger({ logger }));
 * app.get('/', (c) => { c.get('logger').info('hello'); return c.text('ok'); });
 * ```
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';

export interface RequestLoggerOptions {
  logger: Logger;
}

export const requestLogger = ({ logger }: RequestLoggerOptions): MiddlewareHandler =>
  async function requestLogger(c, next) {
    const requestId: string | undefined = c.get('requestId');
    const log = logger.child({ requestId });
    c.set('logger', log);
    // Checked per request, not once, because the level can be changed at runtime.
    if (!log.isLevelEnabled('info')) return next();

    const startedAt = performance.now();
    let status = 500;
    try {
      await next();
      status = c.res.status;
    } finally {
      // Errors thrown by handlers are turned into responses by `onError` before reaching us; we
      // only land here without a status when something below rethrew, which Hono answers 500.
      const tenantId: string | undefined = c.get('tenantId');
      log.info(
        {
          method: c.req.method,
          // The path, not the URL: query strings can carry tokens and are not worth the risk.
          path: c.req.path,
          status,
          durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
          tenantId,
        },
        'request completed',
      );
    }
  };
