import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitAll } from './limit-all.ts';
import { createTestRedis, type TestRedis } from './test-redis.ts';

let db: TestRedis;
let n = 0;
const fresh = () => `all-${++n}`;

beforeAll(async () => {
  db = await createTestRedis();
});
afterAll(async () => {
  await db.close();
});

describe('limitAll', () => {
  it('allows while every key has quota, and spends it on each', async () => {
    const [outer, inner] = [fresh(), fresh()];
    const entries = [
      // Hour-long windows: a unit comes back every 6 and 20 minutes, so a slow machine cannot
      // refill anything while the test runs.
      { key: outer, policy: { limit: 10, windowSeconds: 3600 } },
      { key: inner, policy: { limit: 3, windowSeconds: 3600 } },
    ];
    const rounds = [];
    for (let i = 0; i < 4; i++) rounds.push(await limitAll(db.redis, db.prefix, entries));
    expect(rounds.map((r) => r.map((x) => x.allowed))).toEqual([
      [true, true],
      [true, true],
      [true, true],
      [true, false],
    ]);
    expect(rounds.map((r) => r[0]?.remaining)).toEqual([9, 8, 7, 7]);
    expect(rounds[3]?.[1]).toMatchObject({ remaining: 0, retryAfterSeconds: 1200 });
  });

  it('spends nothing on any key when one refuses (a flood cannot drain the outer limit)', async () => {
    const [outer, inner] = [fresh(), fresh()];
    const outerPolicy = { limit: 100, windowSeconds: 3600 };
    const entries = [
      { key: outer, policy: outerPolicy },
      { key: inner, policy: { limit: 1, windowSeconds: 3600 } },
    ];
    for (let i = 0; i < 50; i++) await limitAll(db.redis, db.prefix, entries);
    // Only the first call was allowed, so the outer key spent exactly one unit.
    const [alone] = await limitAll(db.redis, db.prefix, [{ key: outer, policy: outerPolicy }]);
    expect(alone?.remaining).toBe(98);
  });

  it('keeps keys apart: one exhausted key does not limit a sibling', async () => {
    const [a, b] = [fresh(), fresh()];
    const policy = { limit: 1, windowSeconds: 3600 };
    await limitAll(db.redis, db.prefix, [{ key: a, policy }]);
    expect((await limitAll(db.redis, db.prefix, [{ key: a, policy }]))[0]?.allowed).toBe(false);
    expect((await limitAll(db.redis, db.prefix, [{ key: b, policy }]))[0]?.allowed).toBe(true);
  });

  it('loads the script itself after SCRIPT FLUSH', async () => {
    await db.redis.script('FLUSH');
    const [r] = await limitAll(db.redis, db.prefix, [
      { key: fresh(), policy: { limit: 2, windowSeconds: 1 } },
    ]);
    expect(r).toMatchObject({ allowed: true, remaining: 1, limit: 2 });
  });

  it('refuses bad policies and costs before calling Redis', async () => {
    await expect(
      limitAll(db.redis, db.prefix, [{ key: fresh(), policy: { limit: 0, windowSeconds: 1 } }]),
    ).rejects.toBeInstanceOf(RangeError);
    await expect(
      limitAll(db.redis, db.prefix, [{ key: fresh(), policy: { limit: 2, windowSeconds: 1 } }], 3),
    ).rejects.toBeInstanceOf(RangeError);
  });
});
