import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { testServices } from './env.ts';

export interface TestRedis {
  redis: Redis;
  /** Every key and channel of this file starts with it, so files never see each other. */
  prefix: string;
  close(): Promise<void>;
}

export async function createTestRedis(): Promise<TestRedis> {
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(testServices.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  return {
    redis,
    prefix,
    async close() {
      const stream = redis.scanStream({ match: `${prefix}*`, count: 500 });
      for await (const keys of stream as AsyncIterable<string[]>) {
        if (keys.length > 0) await redis.del(...keys);
      }
      await redis.quit();
    },
  };
}
