import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitLeases } from './leases.ts';
import { limitAll } from './limit-all.ts';
import type { RateLimitPolicy } from './limiter.ts';
import { createTestRedis, type TestRedis } from './test-redis.ts';

let db: TestRedis;
let n = 0;
const fresh = () => `lease-${++n}`;

beforeAll(async () => {
  db = await createTestRedis();
});
afterAll(async () => {
  await db.close();
});

// Hour-long windows: no unit comes back while a test runs, so every count is exact.
const hourly = (limit: number, burst = limit): RateLimitPolicy => ({
  limit,
  windowSeconds: 3600,
  burst,
});

/** Counts the scripts (round trips) `run` sends. */
async function roundTrips<T>(run: () => Promise<T>): Promise<{ trips: number; value: T }> {
  const evalsha = db.redis.evalsha.bind(db.redis);
  let trips = 0;
  db.redis.evalsha = ((...args: Parameters<typeof evalsha>) => {
    trips++;
    return evalsha(...args);
  }) as typeof db.redis.evalsha;
  try {
    const value = await run();
    return { trips, value };
  } finally {
    db.redis.evalsha = evalsha;
  }
}

describe('RateLimitLeases', () => {
  it('with light traffic is limitAll: one round trip and one unit per request', async () => {
    const leases = new RateLimitLeases(db.redis, db.prefix);
    const entries = [{ key: fresh(), policy: hourly(3) }];
    const seen: Array<[boolean, number]> = [];
    const { trips } = await roundTrips(async () => {
      for (let i = 0; i < 4; i++) {
        const [r] = await leases.take(entries);
        seen.push([r?.allowed ?? false, r?.remaining ?? -1]);
        // Light: each request in its own rate window.
        await new Promise((resolve) => setTimeout(resolve, 110));
      }
    });
    expect(seen).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(trips).toBe(4);
  });

  it('under a burst takes units a lease at a time, and never lets through more than the limit', async () => {
    const leases = new RateLimitLeases(db.redis, db.prefix, { leaseMs: 50, maxBurstShare: 0.1 });
    const policy = hourly(1000);
    const entries = [{ key: fresh(), policy }];
    const { trips, value } = await roundTrips(async () => {
      const answers = [];
      // 8 waves of 150 concurrent requests: 1,200 against a limit of 1,000.
      for (let wave = 0; wave < 8; wave++) {
        answers.push(
          ...(await Promise.all(Array.from({ length: 150 }, () => leases.take(entries)))),
        );
      }
      return answers;
    });
    const allowed = value.filter(([r]) => r?.allowed).length;
    expect(allowed).toBeLessThanOrEqual(1000);
    // Leases of up to 100 units (10% of the burst): far fewer round trips than requests.
    expect(trips).toBeLessThan(100);
    // What Redis has spent is exactly what was handed out, plus what the last lease still holds.
    const [after] = await limitAll(db.redis, db.prefix, entries, 0);
    expect(1000 - (after?.remaining ?? 0)).toBeGreaterThanOrEqual(allowed);
    expect(1000 - (after?.remaining ?? 0) - allowed).toBeLessThanOrEqual(100);
  });

  it('two processes leasing the same limit together never exceed it', async () => {
    const entries = [{ key: fresh(), policy: hourly(300) }];
    const a = new RateLimitLeases(db.redis, db.prefix, { leaseMs: 50, maxBurstShare: 0.1 });
    const b = new RateLimitLeases(db.redis, db.prefix, { leaseMs: 50, maxBurstShare: 0.1 });
    const answers = await Promise.all(
      Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? a : b).take(entries)),
    );
    const more = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).take(entries)),
    );
    const allowed = [...answers, ...more].filter(([r]) => r?.allowed).length;
    expect(allowed).toBeLessThanOrEqual(300);
    // Refused early by at most the two processes' unused leases (30 units each).
    expect(allowed).toBeGreaterThanOrEqual(300 - 60);
  });

  it('keeps a refusal until its retry-after instead of asking Redis again, counting the wait down', async () => {
    const leases = new RateLimitLeases(db.redis, db.prefix);
    const entries = [{ key: fresh(), policy: { limit: 1, windowSeconds: 2 } }];
    expect((await leases.take(entries))[0]?.allowed).toBe(true);
    const { trips, value } = await roundTrips(async () => {
      const [first] = await leases.take(entries);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const [later] = await leases.take(entries);
      return { first, later };
    });
    expect(trips).toBe(1);
    expect(value.first?.allowed).toBe(false);
    expect(value.later?.allowed).toBe(false);
    expect(value.later?.retryAfterMs).toBeLessThanOrEqual((value.first?.retryAfterMs ?? 0) - 250);
    // Once the wait is over, Redis is asked again and the unit is there.
    await new Promise((resolve) => setTimeout(resolve, value.later?.retryAfterMs ?? 0));
    expect((await leases.take(entries))[0]?.allowed).toBe(true);
  });

  it('drops units a lease still holds once it is older than leaseTtlMs', async () => {
    const leases = new RateLimitLeases(db.redis, db.prefix, {
      leaseMs: 100,
      maxBurstShare: 0.5,
      leaseTtlMs: 30,
    });
    const entries = [{ key: fresh(), policy: hourly(100) }];
    await Promise.all(Array.from({ length: 20 }, () => leases.take(entries)));
    // The burst made the next lease large; it is taken and then left unused.
    await leases.take(entries);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(leases.tryTake(entries)).toBeUndefined();
    const { trips } = await roundTrips(() => leases.take(entries));
    expect(trips).toBe(1);
  });

  it('hands out remaining counts that go down by one per request within a lease', async () => {
    const leases = new RateLimitLeases(db.redis, db.prefix, { leaseMs: 100, maxBurstShare: 0.5 });
    const entries = [{ key: fresh(), policy: hourly(100) }];
    const answers = await Promise.all(Array.from({ length: 30 }, () => leases.take(entries)));
    const remaining = answers.map(([r]) => r?.remaining ?? -1);
    expect(new Set(remaining).size).toBe(30);
    expect(Math.max(...remaining)).toBe(99);
  });

  it('passes a Redis failure to every request waiting on the lease', async () => {
    const leases = new RateLimitLeases(db.redis, db.prefix);
    // An invalid key type makes the script fail for this limit.
    const key = fresh();
    await db.redis.hset(db.prefix + key, 'f', 'v');
    const entries = [{ key, policy: hourly(10) }];
    const settled = await Promise.allSettled(Array.from({ length: 5 }, () => leases.take(entries)));
    expect(settled.map((s) => s.status)).toEqual(Array(5).fill('rejected'));
  });
});
