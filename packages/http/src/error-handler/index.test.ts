import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { captureLogger } from '../logger/capture.ts';
import { HttpProblem } from '../problem/index.ts';
import { requestId } from '../request-id/index.ts';
import { errorHandler, notFoundHandler } from './index.ts';

// Stands in for a domain package's error: no import from this package, only the duck type.
class SlugTakenError extends Error {
  readonly problemKind = 'conflict';
  readonly problemSlug = 'slug-taken';
  readonly problemExtensions = { slug: 'acme' };
}

const buildApp = (throwing: () => never) => {
  const { logger, lines } = captureLogger();
  const app = new Hono();
  app.onError(errorHandler({ logger }));
  app.notFound(notFoundHandler());
  app.use(requestId({ generator: () => 'req-7' }));
  app.get('/throw', () => throwing());
  return { app, lines };
};

const problemOf = async (res: Response) => {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return res.json();
};

describe('errorHandler', () => {
  it('turns a plain Error into a 500 that does not reveal it, and logs it', async () => {
    const { app, lines } = buildApp(() => {
      throw new Error('connect ECONNREFUSED db.internal:5432 password=hunter2');
    });
    const res = await app.request('/throw');
    expect(res.status).toBe(500);
    const text = await res.clone().text();
    expect(text).not.toContain('ECONNREFUSED');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('index.test.ts'); // no stack frames
    expect(await problemOf(res)).toMatchObject({
      type: 'https://tenantkit.dev/problems/internal',
      status: 500,
      requestId: 'req-7',
    });
    const logged = lines.find((l) => l.msg === 'unhandled error');
    expect(JSON.stringify(logged)).toContain('ECONNREFUSED');
  });

  it('maps a domain-error-like object to its status, slug, detail and extensions', async () => {
    const { app, lines } = buildApp(() => {
      throw new SlugTakenError('The slug "acme" is already taken.');
    });
    const res = await app.request('/throw');
    expect(res.status).toBe(409);
    expect(await problemOf(res)).toEqual({
      type: 'https://tenantkit.dev/problems/slug-taken',
      title: 'Conflict',
      status: 409,
      detail: 'The slug "acme" is already taken.',
      slug: 'acme',
      requestId: 'req-7',
    });
    expect(lines.filter((l) => l.level === 50)).toEqual([]);
  });

  it('sends HttpProblem headers and extensions', async () => {
    const { app } = buildApp(() => {
      throw new HttpProblem({
        status: 429,
        slug: 'rate-limited',
        detail: 'Slow down.',
        extensions: { retryAfterSeconds: 30 },
        headers: { 'Retry-After': '30' },
      });
    });
    const res = await app.request('/throw');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(await problemOf(res)).toMatchObject({
      type: 'https://tenantkit.dev/problems/rate-limited',
      title: 'Too Many Requests',
      detail: 'Slow down.',
      retryAfterSeconds: 30,
    });
  });

  it("maps Hono's HTTPException to a problem with its status and challenge headers", async () => {
    const { app } = buildApp(() => {
      const res = new Response('nope', { headers: { 'WWW-Authenticate': 'Bearer' } });
      throw new HTTPException(401, { message: 'Token expired.', res });
    });
    const res = await app.request('/throw');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await problemOf(res)).toMatchObject({
      type: 'https://tenantkit.dev/problems/unauthorized',
      detail: 'Token expired.',
    });
  });

  it('hides the message of a 5xx HTTPException', async () => {
    const { app } = buildApp(() => {
      throw new HTTPException(503, { message: 'redis at 10.0.0.3 down' });
    });
    const res = await app.request('/throw');
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain('10.0.0.3');
  });
});

describe('notFoundHandler', () => {
  it('answers unknown routes with a 404 problem', async () => {
    const { app } = buildApp(() => {
      throw new Error('unused');
    });
    const res = await app.request('/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('req-7');
    expect(await problemOf(res)).toMatchObject({
      type: 'https://tenantkit.dev/problems/not-found',
      status: 404,
      requestId: 'req-7',
    });
  });
});
