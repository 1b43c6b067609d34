import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../error-handler/index.ts';
import { captureLogger } from '../logger/capture.ts';
import { requestLogger } from '../request-logger/index.ts';
import { RateLimiter, type RateLimitOptions, rateLimit } from './index.ts';
import { createTestRedis, hangingRedis, type TestRedis, unreachableRedis } from './test-redis.ts';

let db: TestRedis;
let limiter: RateLimiter;
let n = 0;
// A fresh policy name per app, so tests never share quota.
const freshName = () => `p${++n}`;

beforeAll(async () => {
  db = await createTestRedis();
  // Generous, as a loaded CI machine can stall the event loop past the 200 ms default.
  limiter = new RateLimiter({ redis: db.redis, prefix: db.prefix, timeoutMs: 5_000 });
});

afterAll(async () => {
  await db.close();
});

type Limit = Omit<RateLimitOptions, 'limiter'> & { limiter?: RateLimiter };

const buildApp = (...limits: Limit[]) => {
  const { logger, lines } = captureLogger('warn');
  const app = new Hono();
  app.onError(errorHandler({ logger }));
  app.use(requestLogger({ logger }));
  for (const limit of limits) app.use(rateLimit({ limiter, ...limit }));
  let handled = 0;
  app.get('/', (c) => {
    handled += 1;
    return c.json({ ok: true });
  });
  app.get('/boom', () => {
    throw new Error('boom');
  });
  return { app, lines, handled: () => handled };
};

const ip = (c: { req: { header(name: string): string | undefined } }) => c.req.header('X-Ip');
const from = (address: string, account?: string) => ({
  headers: { 'X-Ip': address, ...(account ? { 'X-Account': account } : {}) },
});

describe('rateLimit', () => {
  it('sends RateLimit-Policy and RateLimit on allowed responses', async () => {
    const name = freshName();
    const { app } = buildApp({ name, key: ip, policy: { limit: 3, windowSeconds: 60 } });
    const first = await app.request('/', from('10.0.0.1'));
    expect(first.status).toBe(200);
    expect(first.headers.get('RateLimit-Policy')).toBe(`"${name}";q=3;w=60`);
    expect(first.headers.get('RateLimit')).toBe(`"${name}";r=2;t=20`);
    const second = await app.request('/', from('10.0.0.1'));
    expect(second.headers.get('RateLimit')).toBe(`"${name}";r=1;t=40`);
  });

  it('answers a limited request with a 429 problem, Retry-After and headers, unhandled', async () => {
    const name = freshName();
    const { app, handled } = buildApp({ name, key: ip, policy: { limit: 2, windowSeconds: 10 } });
    await app.request('/', from('10.0.0.2'));
    await app.request('/', from('10.0.0.2'));
    const res = await app.request('/', from('10.0.0.2'));
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('Retry-After')).toBe('5');
    expect(res.headers.get('RateLimit-Policy')).toBe(`"${name}";q=2;w=10`);
    expect(res.headers.get('RateLimit')).toBe(`"${name}";r=0;t=5`);
    expect(await res.json()).toMatchObject({
      type: 'https://tenantkit.dev/problems/rate-limited',
      title: 'Too Many Requests',
      status: 429,
      policy: name,
      retryAfterSeconds: 5,
    });
    expect(handled()).toBe(2);
  });

  it('keeps headers on responses that fail for other reasons', async () => {
    const name = freshName();
    const { app } = buildApp({ name, key: ip, policy: { limit: 3, windowSeconds: 60 } });
    const res = await app.request('/boom', from('10.0.0.3'));
    expect(res.status).toBe(500);
    expect(res.headers.get('RateLimit')).toBe(`"${name}";r=2;t=20`);
  });

  it('skips limiting, and sends no headers, when the key is undefined', async () => {
    const name = freshName();
    const { app } = buildApp({ name, key: ip, policy: { limit: 1, windowSeconds: 60 } });
    for (let i = 0; i < 3; i++) {
      const res = await app.request('/');
      expect(res.status).toBe(200);
      expect(res.headers.get('RateLimit')).toBeNull();
    }
    expect(await db.redis.keys(`${db.prefix}${name}:*`)).toEqual([]);
  });

  it('chooses the policy per request, e.g. by plan', async () => {
    const name = freshName();
    const { app } = buildApp({
      name,
      key: (c) => c.req.header('X-Tenant'),
      policy: (c) =>
        c.req.header('X-Plan') === 'pro'
          ? { limit: 100, windowSeconds: 60 }
          : { limit: 10, windowSeconds: 60 },
    });
    const free = await app.request('/', { headers: { 'X-Tenant': 'a', 'X-Plan': 'free' } });
    const pro = await app.request('/', { headers: { 'X-Tenant': 'b', 'X-Plan': 'pro' } });
    expect(free.headers.get('RateLimit-Policy')).toBe(`"${name}";q=10;w=60`);
    expect(pro.headers.get('RateLimit-Policy')).toBe(`"${name}";q=100;w=60`);
    expect(pro.headers.get('RateLimit')).toBe(`"${name}";r=99;t=1`);
  });

  it('charges `cost` units and advertises a burst that differs from the limit', async () => {
    const name = freshName();
    const { app } = buildApp({
      name,
      key: ip,
      cost: 4,
      policy: { limit: 10, windowSeconds: 60, burst: 20 },
    });
    const res = await app.request('/', from('10.0.0.4'));
    expect(res.headers.get('RateLimit-Policy')).toBe(`"${name}";q=10;w=60;tk-burst=20`);
    expect(res.headers.get('RateLimit')).toBe(`"${name}";r=16;t=24`);
  });

  it('keeps policies with different names apart for the same key', async () => {
    const [a, b] = [freshName(), freshName()];
    const appA = buildApp({ name: a, key: ip, policy: { limit: 1, windowSeconds: 60 } }).app;
    const appB = buildApp({ name: b, key: ip, policy: { limit: 1, windowSeconds: 60 } }).app;
    expect((await appA.request('/', from('10.0.0.5'))).status).toBe(200);
    expect((await appA.request('/', from('10.0.0.5'))).status).toBe(429);
    expect((await appB.request('/', from('10.0.0.5'))).status).toBe(200);
  });

  it('rejects policy names that would need escaping in a header', () => {
    expect(() =>
      rateLimit({ limiter, name: 'a"b', key: ip, policy: { limit: 1, windowSeconds: 1 } }),
    ).toThrow(RangeError);
  });
});

describe('rateLimit stacked per IP and per account', () => {
  const stacked = () => {
    const [perIp, perAccount] = [freshName(), freshName()];
    const built = buildApp(
      { name: perIp, key: ip, policy: { limit: 10, windowSeconds: 60 } },
      {
        name: perAccount,
        key: (c) => c.req.header('X-Account'),
        policy: { limit: 2, windowSeconds: 60 },
      },
    );
    return { ...built, perIp, perAccount };
  };

  it('describes the policy with the fewest units left', async () => {
    const { app, perIp, perAccount } = stacked();
    const first = await app.request('/', from('10.1.0.1', 'alice'));
    expect(first.headers.get('RateLimit')).toBe(`"${perAccount}";r=1;t=30`);
    // Without an account only the IP policy applies, and it has 8 left.
    const anonymous = await app.request('/', from('10.1.0.1'));
    expect(anonymous.headers.get('RateLimit-Policy')).toBe(`"${perIp}";q=10;w=60`);
    expect(anonymous.headers.get('RateLimit')).toBe(`"${perIp}";r=8;t=12`);
  });

  it('answers 429 with the account policy when only the account is exhausted', async () => {
    const { app, perAccount } = stacked();
    await app.request('/', from('10.1.0.2', 'bob'));
    await app.request('/', from('10.1.0.3', 'bob'));
    const res = await app.request('/', from('10.1.0.4', 'bob'));
    expect(res.status).toBe(429);
    expect(res.headers.get('RateLimit-Policy')).toBe(`"${perAccount}";q=2;w=60`);
    expect(res.headers.get('RateLimit')).toBe(`"${perAccount}";r=0;t=30`);
    expect(res.headers.get('Retry-After')).toBe('30');
    // Other accounts from the same IP are unaffected.
    expect((await app.request('/', from('10.1.0.4', 'carol'))).status).toBe(200);
  });

  it('does not spend the account quota once the IP is refused', async () => {
    const { app, perIp, perAccount } = stacked();
    for (let i = 0; i < 10; i++) await app.request('/', from('10.1.0.5'));
    const res = await app.request('/', from('10.1.0.5', 'dave'));
    expect(res.status).toBe(429);
    expect(res.headers.get('RateLimit')).toBe(`"${perIp}";r=0;t=6`);
    expect(await db.redis.exists(`${db.prefix}${perAccount}:dave`)).toBe(0);
  });
});

describe('rateLimit when Redis is unreachable', () => {
  let offline: Redis;
  let offlineLimiter: RateLimiter;

  beforeAll(async () => {
    offline = await unreachableRedis();
    offlineLimiter = new RateLimiter({ redis: offline, prefix: db.prefix });
  });

  afterAll(() => {
    offline.disconnect();
  });

  it('fails open by default: the request is served without headers, and a warning logged', async () => {
    const name = freshName();
    const { app, lines, handled } = buildApp({
      limiter: offlineLimiter,
      name,
      key: ip,
      policy: { limit: 1, windowSeconds: 60 },
    });
    const res = await app.request('/', from('10.2.0.1'));
    expect(res.status).toBe(200);
    expect(res.headers.get('RateLimit')).toBeNull();
    expect(handled()).toBe(1);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        policy: name,
        msg: expect.stringContaining('unavailable'),
      }),
    );
  });

  it('fails closed on request with a 503 problem, without running the handler', async () => {
    const { app, handled } = buildApp({
      limiter: offlineLimiter,
      name: freshName(),
      key: ip,
      policy: { limit: 1, windowSeconds: 60 },
      failClosed: true,
    });
    const res = await app.request('/', from('10.2.0.2'));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      type: 'https://tenantkit.dev/problems/unavailable',
      status: 503,
    });
    expect(handled()).toBe(0);
  });

  it('gives up on a hung Redis after the timeout, then fails open or closed', async () => {
    const hung = await hangingRedis();
    const slow = new RateLimiter({ redis: hung.redis, prefix: db.prefix, timeoutMs: 50 });
    const policy = { limit: 1, windowSeconds: 60 };
    const open = buildApp({ limiter: slow, name: freshName(), key: ip, policy }).app;
    const closed = buildApp({
      limiter: slow,
      name: freshName(),
      key: ip,
      policy,
      failClosed: true,
    });
    const started = Date.now();
    expect((await open.request('/', from('10.2.0.3'))).status).toBe(200);
    expect((await closed.app.request('/', from('10.2.0.3'))).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2_000); // two 50 ms timeouts, not 30 s hangs
    await hung.close();
  });
});
