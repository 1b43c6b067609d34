import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bodyLimit } from './index.ts';

const buildApp = () => {
  const app = new Hono();
  let handled = 0;
  app.use(bodyLimit({ maxBytes: 16 }));
  app.post('/', async (c) => {
    handled += 1;
    return c.text(await c.req.text());
  });
  return { app, handled: () => handled };
};

const streamOf = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

// A streamed body has no Content-Length, like a chunked upload.
const streamedPost = (body: ReadableStream<Uint8Array>) =>
  new Request('http://api.test/', { method: 'POST', body, duplex: 'half' } as RequestInit);

describe('bodyLimit', () => {
  it('rejects a declared Content-Length over the limit without running the handler', async () => {
    const { app, handled } = buildApp();
    const res = await app.request('/', {
      method: 'POST',
      body: 'x'.repeat(17),
      headers: { 'Content-Length': '17' },
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({
      type: 'https://tenantkit.dev/problems/payload-too-large',
      status: 413,
    });
    expect(handled()).toBe(0);
  });

  it('rejects a streamed body without Content-Length once it passes the limit', async () => {
    const { app, handled } = buildApp();
    const res = await app.request(streamedPost(streamOf('x'.repeat(10), 'y'.repeat(10))));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status: 413 });
    expect(handled()).toBe(0);
  });

  it('passes bodies within the limit through intact', async () => {
    const { app } = buildApp();
    const res = await app.request(streamedPost(streamOf('hello ', 'world')));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello world');
  });
});
