import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../error-handler/index.ts';
import { createLogger } from '../logger/index.ts';
import { jsonBody } from './index.ts';

function app() {
  const a = new Hono();
  a.onError(errorHandler({ logger: createLogger({ level: 'silent' }) }));
  a.use(jsonBody());
  a.post('/x', (c) => c.text('ok'));
  a.get('/x', (c) => c.text('ok'));
  return a;
}

describe('jsonBody', () => {
  it('accepts JSON and +json media types', async () => {
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'application/merge-patch+json',
    ]) {
      const res = await app().request('/x', {
        method: 'POST',
        headers: { 'content-type': type },
        body: '{}',
      });
      expect(res.status, type).toBe(200);
    }
  });

  it('answers 415 problem for other or missing media types', async () => {
    const cases: Record<string, string>[] = [
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/jsonx' },
      {},
    ];
    for (const headers of cases) {
      const res = await app().request('/x', { method: 'POST', headers, body: '{}' });
      expect(res.status).toBe(415);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as { type: string }).type).toMatch(/unsupported-media-type$/);
    }
  });

  it('leaves safe methods alone', async () => {
    expect((await app().request('/x')).status).toBe(200);
  });
});
