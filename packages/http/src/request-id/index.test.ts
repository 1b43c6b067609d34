import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { requestId } from './index.ts';

const buildApp = (options?: Parameters<typeof requestId>[0]) => {
  const app = new Hono();
  app.use(requestId(options));
  app.get('/', (c) => c.text(c.get('requestId')));
  return app;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('requestId', () => {
  it('generates a UUID when none is sent and exposes it on the context', async () => {
    const res = await buildApp().request('/');
    const id = res.headers.get('X-Request-Id');
    expect(id).toMatch(UUID);
    expect(await res.text()).toBe(id);
  });

  it('echoes a well-formed inbound id', async () => {
    const res = await buildApp().request('/', { headers: { 'X-Request-Id': 'trace:abc-1.2_3' } });
    expect(res.headers.get('X-Request-Id')).toBe('trace:abc-1.2_3');
  });

  it.each([
    ['disallowed characters', 'abc<script>'],
    ['spaces', 'has space'],
    ['more than 128 characters', 'a'.repeat(129)],
  ])('replaces an inbound id with %s', async (_, inbound) => {
    const res = await buildApp().request('/', { headers: { 'X-Request-Id': inbound } });
    expect(res.headers.get('X-Request-Id')).toMatch(UUID);
  });

  it('honours a custom header name and generator', async () => {
    const app = buildApp({ headerName: 'X-Trace', generator: () => 'fixed' });
    const res = await app.request('/');
    expect(res.headers.get('X-Trace')).toBe('fixed');
    expect(res.headers.get('X-Request-Id')).toBeNull();
  });

  it('keeps the header on responses built by onError', async () => {
    const app = new Hono();
    app.onError((_, c) => c.text('failed', 500));
    app.use(requestId({ generator: () => 'err-id' }));
    app.get('/', () => {
      throw new Error('boom');
    });
    const res = await app.request('/');
    expect(res.status).toBe(500);
    expect(res.headers.get('X-Request-Id')).toBe('err-id');
  });
});
