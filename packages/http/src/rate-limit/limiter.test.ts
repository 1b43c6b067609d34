import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter, RateLimiterUnavailableError } from './limiter.ts';
import { createTestRedis, hangingRedis, type TestRedis, unreachableRedis } from './test-redis.ts';

let db: TestRedis;
let limiter: RateLimiter;
let n = 0;
// Generous: these tests are about counting, and a loaded CI machine can stall the event loop
// past the 200 ms default. The timeout itself is tested below with an explicit 50 ms.
const timeoutMs = 5_000;
// A fresh entity per test, so tests never share quota.
const freshKey = () => `entity-${++n}`;

beforeAll(async () => {
  db = await createTestRedis(4);
  limiter = new RateLimiter({ redis: db.redis, prefix: db.prefix, timeoutMs });
});

afterAll(async () => {
  await db.close();
});

describe('RateLimiter.limit', () => {
  it('allows exactly `limit` calls in a window, counting remaining down, then denies', async () => {
    const key = freshKey();
    const policy = { limit: 5, windowSeconds: 60 };
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await limiter.limit(key, policy));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(results.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
    expect(results[0]).toMatchObject({ limit: 5, retryAfterSeconds: 0, retryAfterMs: 0 });
    // One unit comes back every 60 / 5 = 12 s; the bucket is full again 60 s after 5 spends.
    expect(results[4]?.resetSeconds).toBe(60);
    expect(results[5]?.retryAfterSeconds).toBe(12);
  });

  it('lets a burst larger than the limit through at once, then holds the long-run rate', async () => {
    const key = freshKey();
    const policy = { limit: 1, windowSeconds: 10, burst: 3 };
    const allowed = [];
    for (let i = 0; i < 4; i++) allowed.push((await limiter.limit(key, policy)).allowed);
    expect(allowed).toEqual([true, true, true, false]);
    const denied = await limiter.peek(key, policy);
    expect(denied.retryAfterSeconds).toBe(10);
  });

  it('smooths traffic when the burst is smaller than the limit', async () => {
    const key = freshKey();
    const policy = { limit: 10, windowSeconds: 1, burst: 1 };
    expect((await limiter.limit(key, policy)).allowed).toBe(true);
    const second = await limiter.limit(key, policy);
    expect(second.allowed).toBe(false);
    expect(second.retryAfterMs).toBeGreaterThan(0);
    expect(second.retryAfterMs).toBeLessThanOrEqual(100);
  });

  it('refills over real time, and retryAfter says when to within a few ms', async () => {
    const key = freshKey();
    const policy = { limit: 2, windowSeconds: 1 }; // one unit per 500 ms
    await limiter.limit(key, policy);
    await limiter.limit(key, policy);
    const denied = await limiter.limit(key, policy);
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterMs).toBeGreaterThan(300);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(500);
    expect(denied.retryAfterSeconds).toBe(1);

    // Halfway there: still denied, and the wait has shrunk by about the time slept.
    await sleep(denied.retryAfterMs / 2);
    const halfway = await limiter.limit(key, policy);
    expect(halfway.allowed).toBe(false);
    expect(halfway.retryAfterMs).toBeLessThanOrEqual(denied.retryAfterMs / 2 + 1);
    await sleep(halfway.retryAfterMs + 20);
    const refilled = await limiter.limit(key, policy);
    expect(refilled.allowed).toBe(true);
    expect(refilled.remaining).toBe(0);
  });

  it('does not charge denied calls, so hammering does not push the reopening out', async () => {
    const key = freshKey();
    const policy = { limit: 1, windowSeconds: 1 };
    await limiter.limit(key, policy);
    const first = await limiter.limit(key, policy);
    for (let i = 0; i < 20; i++) await limiter.limit(key, policy);
    const last = await limiter.limit(key, policy);
    expect(last.retryAfterMs).toBeLessThanOrEqual(first.retryAfterMs);
  });

  it('charges `cost` units, and denies a cost larger than what is left', async () => {
    const key = freshKey();
    const policy = { limit: 10, windowSeconds: 60 };
    expect(await limiter.limit(key, policy, 7)).toMatchObject({ allowed: true, remaining: 3 });
    expect(await limiter.limit(key, policy, 4)).toMatchObject({ allowed: false, remaining: 3 });
    expect(await limiter.limit(key, policy, 3)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('is atomic: 200 concurrent calls over 4 connections for a limit of 50 allow exactly 50', async () => {
    const key = freshKey();
    const policy = { limit: 50, windowSeconds: 60 };
    const limiters = db.clients.map(
      (redis) => new RateLimiter({ redis, prefix: db.prefix, timeoutMs }),
    );
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => limiters[i % limiters.length]?.limit(key, policy)),
    );
    expect(results.filter((r) => r?.allowed)).toHaveLength(50);
    const remaining = results.filter((r) => r?.allowed).map((r) => r?.remaining);
    expect(new Set(remaining).size).toBe(50); // each allowed call saw its own slot: 49..0
  });

  it('keeps keys isolated', async () => {
    const [a, b] = [freshKey(), freshKey()];
    const policy = { limit: 1, windowSeconds: 60 };
    await limiter.limit(a, policy);
    expect((await limiter.limit(a, policy)).allowed).toBe(false);
    expect((await limiter.limit(b, policy)).allowed).toBe(true);
  });

  it('stores one prefixed key whose PTTL lets it vanish once replenished', async () => {
    const key = freshKey();
    await limiter.limit(key, { limit: 3, windowSeconds: 2 });
    await limiter.limit(key, { limit: 3, windowSeconds: 2 });
    expect(await db.redis.keys(`${db.prefix}${key}*`)).toEqual([`${db.prefix}${key}`]);
    const pttl = await db.redis.pttl(`${db.prefix}${key}`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(2000);
    // Two of three units spent: full again after two emission intervals of 667 ms.
    expect(pttl).toBeGreaterThan(1000);
    expect(pttl).toBeLessThanOrEqual(1334);
  });

  it('rejects policies and costs it cannot honour', async () => {
    const key = freshKey();
    await expect(limiter.limit(key, { limit: 0, windowSeconds: 1 })).rejects.toThrow(RangeError);
    await expect(limiter.limit(key, { limit: 1, windowSeconds: 0.5 })).rejects.toThrow(RangeError);
    await expect(limiter.limit(key, { limit: 5, windowSeconds: 1 }, 6)).rejects.toThrow(RangeError);
  });

  it('reloads the script after SCRIPT FLUSH (EVALSHA falls back to EVAL)', async () => {
    const key = freshKey();
    await limiter.limit(key, { limit: 2, windowSeconds: 60 });
    await db.redis.script('FLUSH');
    const after = await limiter.limit(key, { limit: 2, windowSeconds: 60 });
    expect(after).toMatchObject({ allowed: true, remaining: 0 });
  });
});

describe('RateLimiter.peek and reset', () => {
  it('peek reports without spending', async () => {
    const key = freshKey();
    const policy = { limit: 2, windowSeconds: 60 };
    await limiter.limit(key, policy);
    expect(await limiter.peek(key, policy)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.peek(key, policy)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.limit(key, policy)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.peek(key, policy)).toMatchObject({ allowed: false });
  });

  it('reset forgets the history', async () => {
    const key = freshKey();
    const policy = { limit: 1, windowSeconds: 60 };
    await limiter.limit(key, policy);
    await limiter.reset(key);
    expect((await limiter.limit(key, policy)).allowed).toBe(true);
  });
});

describe('RateLimiter when Redis cannot answer', () => {
  it('rejects with RateLimiterUnavailableError when the connection is refused', async () => {
    const redis = await unreachableRedis();
    const offline = new RateLimiter({ redis, prefix: db.prefix, timeoutMs });
    const started = Date.now();
    await expect(offline.limit('k', { limit: 1, windowSeconds: 1 })).rejects.toBeInstanceOf(
      RateLimiterUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(1_000); // refused at once, not timed out
    redis.disconnect();
  });

  it('rejects with RateLimiterUnavailableError once the timeout passes on a hung server', async () => {
    const hung = await hangingRedis();
    const slow = new RateLimiter({ redis: hung.redis, prefix: db.prefix, timeoutMs: 50 });
    const started = Date.now();
    await expect(slow.limit('k', { limit: 1, windowSeconds: 1 })).rejects.toThrow(/50 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(Date.now() - started).toBeLessThan(1_000);
    await hung.close();
  });
});
