import { createServer, type Server, Socket } from 'node:net';
import { createTestRedis, type TestRedis, testServices } from '@tenantkit/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetNearCopies, NearCache } from '../src/near-cache/index.ts';

let t: TestRedis;
/** Writes as another process would: its own connection, no forgetNearCopies. */
let other: Redis;
const caches: NearCache[] = [];
let n = 0;

beforeAll(async () => {
  t = await createTestRedis();
  other = new Redis(testServices.redisUrl);
});
afterAll(async () => {
  await Promise.all(caches.map((c) => c.close()));
  other.disconnect();
  await t.close();
});

const key = () => `${t.prefix}t:{tenant}:k${++n}`;

async function started(options: Partial<ConstructorParameters<typeof NearCache>[0]> = {}) {
  const cache = new NearCache({ redis: t.redis, prefixes: [`${t.prefix}t:{`], ...options });
  caches.push(cache);
  await cache.start();
  return cache;
}

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('NearCache', () => {
  it('answers from memory after one read, missing keys included; never keeps untracked keys', async () => {
    const cache = await started();
    expect(cache.live).toBe(true);
    const [a, missing] = [key(), key()];
    const untracked = `${t.prefix}elsewhere:${++n}`;
    await other.set(a, 'A');
    await other.set(untracked, 'U');
    expect(cache.peek([a, missing])).toBeUndefined();
    expect(await cache.read([a, missing, untracked])).toEqual(['A', null, 'U']);
    expect(cache.peek([a, missing])).toEqual(['A', null]);
    expect(cache.peek([untracked])).toBeUndefined();
  });

  it('drops a copy when another process writes, deletes or expires the key', async () => {
    const cache = await started();
    const [written, deleted, expiring] = [key(), key(), key()];
    await other.mset(written, '1', deleted, '1', expiring, '1');
    await cache.read([written, deleted, expiring]);
    await other.set(written, '2');
    await other.del(deleted);
    await cache.sync();
    expect(cache.peek([written])).toBeUndefined();
    expect(cache.peek([deleted])).toBeUndefined();
    expect(await cache.read([written, deleted])).toEqual(['2', null]);
    // Expiry: Redis invalidates the key when it expires it (on access, or its own sweep).
    await other.pexpire(expiring, 20);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await other.exists(expiring);
    await cache.sync();
    expect(cache.peek([expiring])).toBeUndefined();
  });

  it('does not keep the answer of a read that a change overtook while it was in flight', async () => {
    const cache = await started();
    const k = key();
    await other.set(k, 'old');
    const reading = cache.read([k]);
    forgetNearCopies([k]);
    expect(await reading).toEqual(['old']);
    expect(cache.peek([k])).toBeUndefined();
  });

  it("keeps a read's other keys when a change in flight named only one of them", async () => {
    const cache = await started();
    const [changed, untouched] = [key(), key()];
    await other.mset(changed, 'old', untouched, 'same');
    const reading = cache.read([changed, untouched]);
    forgetNearCopies([changed, key()]);
    expect(await reading).toEqual(['old', 'same']);
    expect(cache.peek([changed])).toBeUndefined();
    expect(cache.peek([untouched])).toEqual(['same']);
  });

  it('forgetNearCopies drops the keys from every cache of the process at once', async () => {
    const [one, two] = [await started(), await started()];
    const k = key();
    await other.set(k, 'v');
    await Promise.all([one.read([k]), two.read([k])]);
    forgetNearCopies([k]);
    expect(one.peek([k])).toBeUndefined();
    expect(two.peek([k])).toBeUndefined();
  });

  it('keeps nothing while its connection is down, and tracks again once it is back', async () => {
    const cache = await started();
    const k = key();
    await other.set(k, 'before');
    await cache.read([k]);
    await other.client('KILL', 'ID', String(await trackerId()));
    await until(() => !cache.live);
    expect(cache.peek([k])).toBeUndefined();
    // Reads still work meanwhile, straight from Redis.
    await other.set(k, 'during');
    expect(await cache.read([k])).toEqual(['during']);
    await until(() => cache.live);
    await cache.read([k]);
    expect(cache.peek([k])).toEqual(['during']);
    await other.set(k, 'after');
    await cache.sync();
    expect(cache.peek([k])).toBeUndefined();
  });

  it('stops trusting its copies when the heartbeat goes unanswered (a silent network)', async () => {
    const proxy = await startFreezableProxy();
    const viaProxy = new Redis(proxy.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    try {
      const cache = await started({ redis: viaProxy, heartbeatMs: 50 });
      expect(cache.live).toBe(true);
      const k = key();
      await other.set(k, 'v');
      await cache.read([k]);
      proxy.freeze();
      // Nothing is heard, not even the loss: only the missed heartbeat tells.
      await other.set(k, 'changed unheard');
      await until(() => !cache.live, 2_000);
      expect(cache.peek([k])).toBeUndefined();
      proxy.thaw();
      await until(() => cache.live);
      await cache.close();
    } finally {
      viaProxy.disconnect();
      await proxy.close();
    }
  });

  it("works on top of the api's auto-pipelining client", async () => {
    const pipelining = new Redis(testServices.redisUrl, { enableAutoPipelining: true });
    try {
      const cache = await started({ redis: pipelining, heartbeatMs: 20 });
      const k = key();
      await other.set(k, '1');
      await Promise.all([cache.read([k]), cache.read([k])]);
      expect(cache.peek([k])).toEqual(['1']);
      await other.set(k, '2');
      await cache.sync();
      expect(cache.peek([k])).toBeUndefined();
      // Heartbeats answered: still live after several of them.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(cache.live).toBe(true);
      await cache.close();
    } finally {
      pipelining.disconnect();
    }
  });

  it('holds at most maxEntries copies, dropping the oldest first', async () => {
    const cache = await started({ maxEntries: 3 });
    const keys = [key(), key(), key(), key()];
    await other.mset(...keys.flatMap((k) => [k, 'v']));
    for (const k of keys) await cache.read([k]);
    expect(cache.peek([keys[0] as string])).toBeUndefined();
    expect(cache.peek(keys.slice(1))).toEqual(['v', 'v', 'v']);
  });
});

/** The client id of the newest pub/sub connection (a started cache's tracking connection). */
async function trackerId(): Promise<number> {
  const list = (await other.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
  const ids = [...list.matchAll(/id=(\d+).*redir=(\d+)/g)]
    .filter(([, id, redirect]) => id === redirect)
    .map(([, id]) => Number(id));
  return Math.max(...ids);
}

/** A TCP proxy to Redis that can drop every byte without closing anything. */
async function startFreezableProxy() {
  const [host, port] = new URL(testServices.redisUrl).host.split(':') as [string, string];
  const sockets: Socket[] = [];
  let frozen = false;
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(Number(port || 6379), host);
    sockets.push(client, upstream);
    const pass = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (!frozen) to.write(chunk);
      });
    pass(client, upstream);
    pass(upstream, client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    freeze: () => {
      frozen = true;
    },
    /** Passes bytes again, on fresh connections (what was dropped is gone for good). */
    thaw: () => {
      frozen = false;
      for (const s of sockets.splice(0)) s.destroy();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
