import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../error-handler/index.ts';
import { captureLogger } from '../logger/capture.ts';
import { validationHook } from './index.ts';

const route = createRoute({
  method: 'post',
  path: '/widgets/{id}',
  request: {
    params: z.object({ id: z.uuid() }),
    query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
    body: {
      content: {
        'application/json': { schema: z.object({ name: z.string().min(1), size: z.number() }) },
      },
    },
  },
  responses: { 200: { description: 'ok' } },
});

const buildApp = () => {
  const { logger, lines } = captureLogger();
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.onError(errorHandler({ logger }));
  app.openapi(route, (c) => c.json({ id: c.req.valid('param').id }, 200));
  return { app, lines };
};

const ID = '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b';
const post = (path: string, body: string) =>
  buildApp().app.request(path, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/json' },
  });

describe('validationHook', () => {
  it('accepts a valid request', async () => {
    const res = await post(`/widgets/${ID}`, JSON.stringify({ name: 'a', size: 1 }));
    expect(res.status).toBe(200);
  });

  it('answers wrong body types with 422 and prefixed paths', async () => {
    const res = await post(`/widgets/${ID}`, JSON.stringify({ name: 1, size: 'big' }));
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = (await res.json()) as { errors: Array<{ path: string; message: string }> };
    expect(body).toMatchObject({
      type: 'https://tenantkit.dev/problems/validation-failed',
      status: 422,
    });
    expect(body.errors.map((e) => e.path).sort()).toEqual(['body.name', 'body.size']);
    expect(body.errors[0]?.message).toEqual(expect.any(String));
  });

  it('prefixes query failures with query', async () => {
    const res = await post(`/widgets/${ID}?dryRun=maybe`, JSON.stringify({ name: 'a', size: 1 }));
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      errors: [{ path: 'query.dryRun', message: expect.any(String) }],
    });
  });

  it('answers a malformed path parameter with 400 invalid-parameter', async () => {
    const res = await post('/widgets/not-a-uuid', JSON.stringify({ name: 'a', size: 1 }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      type: 'https://tenantkit.dev/problems/invalid-parameter',
      errors: [{ path: 'param.id', message: expect.any(String) }],
    });
  });

  it('answers malformed JSON with 400 malformed-json, not 500', async () => {
    const { app, lines } = buildApp();
    const res = await app.request(`/widgets/${ID}`, {
      method: 'POST',
      body: '{"name": ',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({
      type: 'https://tenantkit.dev/problems/malformed-json',
      status: 400,
    });
    // A caller's mistake is not an incident: nothing at error level.
    expect(lines.filter((l) => l.level === 50)).toEqual([]);
  });
});
