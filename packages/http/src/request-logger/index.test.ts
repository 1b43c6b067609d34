import { Hono } from 'hono';
import type { Logger } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { errorHandler } from '../error-handler/index.ts';
import { captureLogger } from '../logger/capture.ts';
import { requestId } from '../request-id/index.ts';
import { requestLogger } from './index.ts';

const buildApp = (level: 'info' | 'warn' = 'info') => {
  const { logger, lines } = captureLogger(level);
  // tenantId is declared by the tenancy package; this app declares it locally instead.
  const app = new Hono<{ Variables: { tenantId: string } }>();
  app.onError(errorHandler({ logger }));
  app.use(requestId({ generator: () => 'req-1' }), requestLogger({ logger }));
  return { app, logger, lines };
};

describe('requestLogger', () => {
  it('logs one completion line with method, path, status, duration and request id', async () => {
    const { app, lines } = buildApp();
    app.get('/things', (c) => c.text('ok', 201));
    await app.request('/things?token=abc');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'request completed',
      requestId: 'req-1',
      method: 'GET',
      path: '/things',
      status: 201,
    });
    expect(lines[0]?.durationMs).toEqual(expect.any(Number));
    // The query string can carry credentials; it must not reach the log.
    expect(JSON.stringify(lines)).not.toContain('abc');
  });

  it('includes tenantId when a later middleware set it', async () => {
    const { app, lines } = buildApp();
    app.use(async (c, next) => {
      c.set('tenantId', 'tenant-42');
      await next();
    });
    app.get('/', (c) => c.text('ok'));
    await app.request('/');
    expect(lines[0]).toMatchObject({ tenantId: 'tenant-42' });
  });

  it('gives handlers a child logger bound to the request id', async () => {
    const { app, lines } = buildApp();
    app.get('/', (c) => {
      c.get('logger').info({ step: 1 }, 'inside');
      return c.text('ok');
    });
    await app.request('/');
    expect(lines[0]).toMatchObject({ msg: 'inside', requestId: 'req-1', step: 1 });
  });

  it('logs the status of error responses', async () => {
    const { app, lines } = buildApp();
    app.get('/', () => {
      throw new Error('kaput');
    });
    await app.request('/');
    expect(lines.find((l) => l.msg === 'request completed')).toMatchObject({ status: 500 });
  });

  it('does not build the line when info is disabled', async () => {
    const { logger } = captureLogger('warn');
    const child = logger.child({});
    // pino drops the line anyway; the spy shows we never even assembled it.
    const info = vi.spyOn(child, 'info');
    const parent: Logger = Object.assign(Object.create(logger), { child: () => child });
    const app = new Hono();
    app.use(requestLogger({ logger: parent }));
    app.get('/', (c) => c.text('ok'));
    await app.request('/');
    expect(info).not.toHaveBeenCalled();
  });
});
