/**
 * Test-only helpers: the real Redis of the test run, a key prefix of this file's own, and
 * Redis clients that cannot reach a server. Not exported from the package.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';

export const redisUrl = (): string => process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export interface TestRedis {
  /** Extra connections, so concurrent calls really interleave across clients. */
  clients: Redis[];
  redis: Redis;
  prefix: string;
  close(): Promise<void>;
}

export async function createTestRedis(connections = 1): Promise<TestRedis> {
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  const clients = Array.from(
    { length: connections },
    () => new Redis(redisUrl(), { lazyConnect: true, maxRetriesPerRequest: 2 }),
  );
  // Connected up front, so the first check of a test is not timed against the TCP handshake.
  await Promise.all(clients.map((client) => client.connect()));
  const [redis] = clients;
  if (!redis) throw new Error('need at least one connection');
  return {
    clients,
    redis,
    prefix,
    async close() {
      const stream = redis.scanStream({ match: `${prefix}*`, count: 500 });
      for await (const keys of stream as AsyncIterable<string[]>) {
        if (keys.length > 0) await redis.del(...keys);
      }
      await Promise.all(clients.map((client) => client.quit()));
    },
  };
}

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => server.close(() => resolve()));

const offlineClient = (port: number, enableOfflineQueue: boolean): Redis => {
  const redis = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue,
    // Without these, connecting waits for INFO / CLIENT SETINFO replies a hung server never sends.
    enableReadyCheck: false,
    disableClientInfo: true,
    retryStrategy: () => null,
  });
  redis.on('error', () => {}); // Expected: nothing listens, or nothing answers.
  return redis;
};

/** A client for a port that was just freed, so connecting is refused. */
export async function unreachableRedis(): Promise<Redis> {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);
  return offlineClient(port, false);
}

/** A client for a server that accepts connections and never answers: a hung Redis. */
export async function hangingRedis(): Promise<{ redis: Redis; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  const redis = offlineClient(port, true);
  await redis.connect();
  return {
    redis,
    async close() {
      redis.disconnect();
      for (const socket of sockets) socket.destroy();
      await closeServer(server);
    },
  };
}
