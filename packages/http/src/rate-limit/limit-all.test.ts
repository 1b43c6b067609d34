import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitAll, readThenLimit } from './limit-all.ts';
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

describe('readThenLimit', () => {
  const policy = { limit: 2, windowSeconds: 3600 };
  const entry = () => ({ key: fresh(), policy });

  it('charges when the gate key is live, and returns every read value', async () => {
    const [gate, other] = [`${db.prefix}${fresh()}`, `${db.prefix}${fresh()}`];
    await db.redis.set(gate, 'session-json');
    await db.redis.set(other, '7');
    const limit = entry();
    const run = () =>
      readThenLimit(db.redis, {
        read: [gate, other, `${db.prefix}${fresh()}`],
        gate: { liveUnless: 'revoked' },
        prefix: db.prefix,
        entries: [limit],
      });
    const first = await run();
    expect(first.values).toEqual(['session-json', '7', null]);
    expect(first.results?.map((r) => [r.allowed, r.remaining])).toEqual([[true, 1]]);
    await run();
    expect((await run()).results?.[0]?.allowed).toBe(false);
  });

  it('spends nothing when the gate key is missing or a tombstone', async () => {
    const [missing, revoked] = [`${db.prefix}${fresh()}`, `${db.prefix}${fresh()}`];
    await db.redis.set(revoked, 'revoked');
    const limit = entry();
    for (let i = 0; i < 5; i++) {
      for (const key of [missing, revoked]) {
        const reply = await readThenLimit(db.redis, {
          read: [key],
          gate: { liveUnless: 'revoked' },
          prefix: db.prefix,
          entries: [limit],
        });
        expect(reply.results).toBeUndefined();
      }
    }
    const [after] = await limitAll(db.redis, db.prefix, [limit]);
    expect(after?.remaining).toBe(1);
  });

  it("with an 'absent' gate charges only while the key does not exist", async () => {
    const marker = `${db.prefix}${fresh()}`;
    const limit = entry();
    const run = () =>
      readThenLimit(db.redis, {
        read: [marker],
        gate: { absent: true },
        prefix: db.prefix,
        entries: [limit],
      });
    expect((await run()).results?.[0]?.allowed).toBe(true);
    await db.redis.set(marker, '1');
    const blocked = await run();
    expect(blocked).toEqual({ values: ['1'], results: undefined });
  });

  it('charges all or nothing across its entries, like limitAll', async () => {
    const gate = `${db.prefix}${fresh()}`;
    await db.redis.set(gate, 'live');
    const outer = { key: fresh(), policy: { limit: 100, windowSeconds: 3600 } };
    const inner = { key: fresh(), policy: { limit: 1, windowSeconds: 3600 } };
    for (let i = 0; i < 10; i++) {
      await readThenLimit(db.redis, {
        read: [gate],
        gate: { liveUnless: 'revoked' },
        prefix: db.prefix,
        entries: [outer, inner],
      });
    }
    const [alone] = await limitAll(db.redis, db.prefix, [outer]);
    expect(alone?.remaining).toBe(98);
  });

  /** A live gate key and a fresh limit, both under the hash tag `tag`. */
  async function tagged(tag: string, value: string) {
    const gate = `${db.prefix}{${tag}}:${fresh()}`;
    await db.redis.set(gate, value);
    return { gate, entry: { key: `{${tag}}:${fresh()}`, policy } };
  }

  const chargeTagged = ({ gate, entry: limit }: Awaited<ReturnType<typeof tagged>>) =>
    readThenLimit(db.redis, {
      read: [gate],
      gate: { liveUnless: 'revoked' },
      prefix: db.prefix,
      entries: [limit],
    });

  it('runs the calls of one event-loop turn that share a hash tag as one script, each with its own reply', async () => {
    const calls = await Promise.all(Array.from({ length: 40 }, (_, i) => tagged('t1', `v-${i}`)));
    let scripts = 0;
    const evalsha = db.redis.evalsha.bind(db.redis);
    db.redis.evalsha = ((...args: Parameters<typeof evalsha>) => {
      scripts++;
      return evalsha(...args);
    }) as typeof db.redis.evalsha;
    try {
      const replies = await Promise.all(calls.map(chargeTagged));
      expect(scripts).toBe(1);
      expect(replies.map((r) => r.values[0])).toEqual(calls.map((_, i) => `v-${i}`));
      for (const r of replies)
        expect(r.results?.map((x) => [x.allowed, x.remaining])).toEqual([[true, 1]]);
      // Charges inside one script are still sequential: the same limit, three times in a turn.
      const same = calls[0] as (typeof calls)[number];
      const thrice = await Promise.all([same, same, same].map(chargeTagged));
      expect(thrice.map((r) => r.results?.[0]?.allowed)).toEqual([true, false, false]);
      expect(scripts).toBe(2);
    } finally {
      db.redis.evalsha = evalsha;
    }
  });

  it('never puts keys of two hash tags in one script (one Redis Cluster slot per script)', async () => {
    const a = await Promise.all([tagged('ta', 'a1'), tagged('ta', 'a2')]);
    const b = await Promise.all([tagged('tb', 'b1'), tagged('tb', 'b2')]);
    const [[firstA], [firstB]] = [a, b] as [typeof a, typeof b];
    if (!firstA || !firstB) throw new Error('no calls');
    const mixed = { gate: firstA.gate, entry: firstB.entry };
    const untagged = { gate: `${db.prefix}${fresh()}`, entry: entry() };
    await db.redis.set(untagged.gate, 'u');
    const sent: string[][] = [];
    const evalsha = db.redis.evalsha.bind(db.redis);
    db.redis.evalsha = ((...args: Parameters<typeof evalsha>) => {
      const count = Number(args[1]);
      sent.push(args.slice(2, 2 + count).map(String));
      return evalsha(...args);
    }) as typeof db.redis.evalsha;
    try {
      const replies = await Promise.all([...a, ...b, mixed, untagged].map(chargeTagged));
      expect(replies.map((r) => r.values[0])).toEqual(['a1', 'a2', 'b1', 'b2', 'a1', 'u']);
    } finally {
      db.redis.evalsha = evalsha;
    }
    expect(sent).toHaveLength(4);
    const tagsOf = (keys: string[]) => new Set(keys.map((k) => /\{([^}]+)\}/.exec(k)?.[1]));
    expect(sent.map(tagsOf).map((t) => [...t].join())).toEqual(['ta', 'tb', 'ta,tb', '']);
  });

  it('gives an error only to the call that caused it, not to the others of its script', async () => {
    const good = await tagged('te', 'fine');
    const bad = await tagged('te', 'x');
    // GET on a hash fails inside the script (WRONGTYPE).
    await db.redis.del(bad.gate);
    await db.redis.hset(bad.gate, 'f', 'v');
    const [ok, failed] = await Promise.allSettled([chargeTagged(good), chargeTagged(bad)]);
    expect(ok).toMatchObject({ status: 'fulfilled', value: { values: ['fine'] } });
    expect(failed).toMatchObject({ status: 'rejected', reason: { message: /WRONGTYPE/ } });
  });

  it('recovers every call of a batch, and a lone call, after SCRIPT FLUSH', async () => {
    await db.redis.script('FLUSH');
    const calls = await Promise.all(Array.from({ length: 5 }, () => tagged('tf', 'live')));
    const lone = { gate: `${db.prefix}${fresh()}`, entry: entry() };
    await db.redis.set(lone.gate, 'live');
    const replies = await Promise.all([...calls, lone].map(chargeTagged));
    expect(replies.map((r) => [r.values[0], r.results?.[0]?.allowed])).toEqual(
      [...calls, lone].map(() => ['live', true]),
    );
  });
});
