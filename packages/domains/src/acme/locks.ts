import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * One ACME order per hostname at a time, across every worker: a Redis lock with an owner token
 * (released only by its owner) and an expiry, so a killed worker's lock frees itself.
 */
export async function acquireOrderLock(
  redis: Redis,
  keyPrefix: string,
  hostname: string,
  ttlMs: number,
): Promise<(() => Promise<void>) | null> {
  const key = `${keyPrefix}acme:order-lock:${hostname}`;
  const owner = randomBytes(16).toString('hex');
  const ok = await redis.set(key, owner, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return null;
  return async () => {
    await redis.eval(RELEASE, 1, key, owner);
  };
}

/**
 * Fixed-window counters per tenant and for the platform. Returns when the window frees up if
 * either is spent (nothing is counted then), else null after counting this order in both.
 */
export async function takeIssuanceSlot(
  redis: Redis,
  keyPrefix: string,
  tenantId: string,
  limits: { tenant: number; global: number; windowMs: number },
  now: Date,
): Promise<Date | null> {
  const window = Math.floor(now.getTime() / limits.windowMs);
  const tenantKey = `${keyPrefix}acme:rate:${window}:tenant:${tenantId}`;
  const globalKey = `${keyPrefix}acme:rate:${window}:global`;
  const [tenantUsed, globalUsed] = (await redis.mget(tenantKey, globalKey)).map(Number);
  const windowEnd = new Date((window + 1) * limits.windowMs);
  if ((tenantUsed ?? 0) >= limits.tenant || (globalUsed ?? 0) >= limits.global) return windowEnd;
  await redis
    .multi()
    .incr(tenantKey)
    .pexpire(tenantKey, limits.windowMs)
    .incr(globalKey)
    .pexpire(globalKey, limits.windowMs)
    .exec();
  return null;
}
