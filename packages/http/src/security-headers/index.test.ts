import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../error-handler/index.ts';
import { captureLogger } from '../logger/capture.ts';
import { securityHeaders } from './index.ts';

const buildApp = (options?: Parameters<typeof securityHeaders>[0]) => {
  const app = new Hono();
  app.onError(errorHandler({ logger: captureLogger('silent').logger }));
  app.use(securityHeaders(options));
  app.get('/', (c) => c.json({ ok: true }));
  app.get('/docs', (c) => {
    c.header('Content-Security-Policy', "default-src 'self'");
    return c.html('<p>docs</p>');
  });
  app.get('/boom', () => {
    throw new Error('boom');
  });
  return app;
};

const EXPECTED = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

describe('securityHeaders', () => {
  it('sets the API defaults', async () => {
    const res = await buildApp().request('/');
    for (const [name, value] of Object.entries(EXPECTED)) {
      expect(res.headers.get(name), name).toBe(value);
    }
  });

  it('sets them on error responses too', async () => {
    const res = await buildApp().request('/boom');
    expect(res.status).toBe(500);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe(EXPECTED['content-security-policy']);
  });

  it("leaves a route's own Content-Security-Policy alone", async () => {
    const res = await buildApp().request('/docs');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('sends HSTS only over https by default', async () => {
    const app = buildApp();
    const plain = await app.request('http://api.test/');
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    const tls = await app.request('https://api.test/');
    expect(tls.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const proxied = await app.request('http://api.test/', {
      headers: { 'X-Forwarded-Proto': 'https' },
    });
    expect(proxied.headers.get('strict-transport-security')).toBe('max-age=31536000');
  });

  it('lets hsts be forced on or off', async () => {
    const on = await buildApp({ hsts: true }).request('http://api.test/');
    expect(on.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const off = await buildApp({ hsts: false }).request('https://api.test/');
    expect(off.headers.get('strict-transport-security')).toBeNull();
  });
});
