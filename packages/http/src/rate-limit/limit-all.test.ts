import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaseUnits, limitAll } from './limit-all.ts';
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

describe('one script per hash tag and turn', () => {
  const policy = { limit: 2, windowSeconds: 3600 };

  /** A fresh limit under the hash tag `tag`. */
  const tagged = (tag: string) => ({ key: `{${tag}}:${fresh()}`, policy });
  const charge = (entry: { key: string; policy: typeof policy }) =>
    limitAll(db.redis, db.prefix, [entry]);

  /** Runs `run` and returns the keys of each EVALSHA it sent. */
  async function scriptsSent<T>(run: () => Promise<T>): Promise<{ sent: string[][]; value: T }> {
    const evalsha = db.redis.evalsha.bind(db.redis);
    const sent: string[][] = [];
    db.redis.evalsha = ((...args: Parameters<typeof evalsha>) => {
      sent.push(args.slice(2, 2 + Number(args[1])).map(String));
      return evalsha(...args);
    }) as typeof db.redis.evalsha;
    try {
      const value = await run();
      return { sent, value };
    } finally {
      db.redis.evalsha = evalsha;
    }
  }

  it('runs the calls of one event-loop turn that share a hash tag as one script, each with its own reply', async () => {
    const entries = Array.from({ length: 40 }, () => tagged('t1'));
    const { sent, value } = await scriptsSent(() => Promise.all(entries.map(charge)));
    expect(sent).toHaveLength(1);
    for (const [r] of value) expect([r?.allowed, r?.remaining]).toEqual([true, 1]);
    // Charges inside one script are still sequential: the same limit, three times in a turn.
    const same = tagged('t1');
    const thrice = await scriptsSent(() => Promise.all([same, same, same].map(charge)));
    expect(thrice.sent).toHaveLength(1);
    expect(thrice.value.map(([r]) => r?.allowed)).toEqual([true, true, false]);
    expect(thrice.value.map(([r]) => r?.remaining)).toEqual([1, 0, 0]);
  });

  it('never puts keys of two hash tags in one script (one Redis Cluster slot per script)', async () => {
    const a = [tagged('ta'), tagged('ta')];
    const b = [tagged('tb'), tagged('tb')];
    const untagged = { key: fresh(), policy };
    const mixed = [a[0], b[0]] as [typeof untagged, typeof untagged];
    const { sent, value } = await scriptsSent(() =>
      Promise.all([...[...a, ...b, untagged].map(charge), limitAll(db.redis, db.prefix, mixed)]),
    );
    expect(value.map((r) => r.every((x) => x.allowed))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    const tagsOf = (keys: string[]) =>
      [...new Set(keys.map((k) => /\{([^}]+)\}/.exec(k)?.[1]))].join();
    expect(sent.map(tagsOf)).toEqual(['ta', 'tb', '', 'ta,tb']);
  });

  it('gives an error only to the call that caused it, not to the others of its script', async () => {
    const good = tagged('te');
    const bad = tagged('te');
    // A TAT key holding a hash fails inside the script (WRONGTYPE).
    await db.redis.hset(db.prefix + bad.key, 'f', 'v');
    const [ok, failed] = await Promise.allSettled([charge(good), charge(bad)]);
    expect(ok).toMatchObject({ status: 'fulfilled', value: [{ allowed: true, remaining: 1 }] });
    expect(failed).toMatchObject({ status: 'rejected', reason: { message: /WRONGTYPE/ } });
  });

  it('recovers every call of a batch, and a lone call, after SCRIPT FLUSH', async () => {
    await db.redis.script('FLUSH');
    const entries = [...Array.from({ length: 5 }, () => tagged('tf')), { key: fresh(), policy }];
    const replies = await Promise.all(entries.map(charge));
    expect(replies.map(([r]) => r?.allowed)).toEqual(entries.map(() => true));
  });
});

describe('leaseUnits', () => {
  const policy = { limit: 10, windowSeconds: 3600 };

  it('grants as many units as every entry has, up to the lease, all or nothing', async () => {
    const outer = { key: fresh(), policy };
    const inner = { key: fresh(), policy: { limit: 6, windowSeconds: 3600 } };
    const first = await leaseUnits(db.redis, db.prefix, [outer, inner], 4);
    expect(first.granted).toBe(4);
    expect(first.results.map((r) => r.remaining)).toEqual([6, 2]);
    // Only 2 left on the inner key: the lease shrinks to what fits.
    const second = await leaseUnits(db.redis, db.prefix, [outer, inner], 4);
    expect(second.granted).toBe(2);
    expect(second.results.map((r) => r.remaining)).toEqual([4, 0]);
    // None left: refused with a wait, and the outer key spent nothing.
    const third = await leaseUnits(db.redis, db.prefix, [outer, inner], 4);
    expect(third.granted).toBe(0);
    expect(third.results[1]).toMatchObject({ allowed: false, retryAfterSeconds: 600 });
    const [alone] = await limitAll(db.redis, db.prefix, [outer]);
    expect(alone?.remaining).toBe(3);
  });
});
