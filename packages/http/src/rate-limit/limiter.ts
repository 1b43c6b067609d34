/**
 * A GCRA (generic cell rate algorithm) rate limiter on Redis: one key per limited entity
 * holding its theoretical arrival time (TAT), read and written by one Lua script, so the check
 * is atomic across every app instance and costs one round trip.
 *
 * The script takes "now" from Redis `TIME`, never from the app, so clock skew between
 * instances cannot hand out extra quota. Keys carry a PX expiry equal to the time until the
 * entity is fully replenished, so idle keys vanish on their own.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ redis, prefix: 'rl:' });
 * const result = await limiter.limit(`login:${tenantId}:${accountId}`, { limit: 5, windowSeconds: 60 });
 * if (!result.allowed) retryLater(result.retryAfterSeconds);
 * ```
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface RateLimitPolicy {
  /** Units allowed per window over the long run; a positive integer. */
  limit: number;
  /** The window in whole seconds (the `w` of RateLimit-Policy); a positive integer. */
  windowSeconds: number;
  /**
   * Units an idle entity may spend at once. Defaults to `limit`, which lets a fresh entity use
   * its whole window's quota immediately; a smaller value smooths traffic, a larger one
   * tolerates spikes while keeping the long-run rate at `limit / windowSeconds`.
   */
  burst?: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** The policy's `limit`, echoed for header writers. */
  limit: number;
  /** Units that could still be spent right now (0 when denied at cost 1). */
  remaining: number;
  /** Seconds until the entity is fully replenished (rounded up). */
  resetSeconds: number;
  /** Seconds to wait before this request would be allowed; 0 when allowed (rounded up). */
  retryAfterSeconds: number;
  /** `resetSeconds` in milliseconds, before rounding to whole seconds. */
  resetMs: number;
  /** `retryAfterSeconds` in milliseconds, before rounding to whole seconds. */
  retryAfterMs: number;
}

export interface RateLimiterOptions {
  redis: Redis;
  /** Prepended to every key (default `rl:`), so limiter keys are recognisable and scannable. */
  prefix?: string;
  /**
   * How long a check may take before it fails with `RateLimiterUnavailableError`. Redis answers
   * in well under a millisecond when healthy; a request should not hang on a sick one. The
   * clock includes time the command waits on a busy event loop. Defaults to 200.
   */
  timeoutMs?: number;
}

/**
 * Redis was unreachable, errored, or did not answer within `timeoutMs`. Whether that means
 * "allow" (API quotas) or "refuse" (login) is the caller's decision, not the limiter's.
 */
export class RateLimiterUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RateLimiterUnavailableError';
  }
}

// All arithmetic is in whole microseconds, so the doubles Lua uses stay exact (now is ~2^51).
// KEYS[1]: the TAT key. ARGV: emission interval (µs per unit), burst (units), cost (units),
// dry run ('1' = report without consuming).
// Returns { allowed (0/1), remaining, reset ms, retry-after ms }.
const GCRA_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = tonumber(ARGV[1])
local tolerance = interval * tonumber(ARGV[2])
local cost = tonumber(ARGV[3])

local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end

local new_tat = tat + interval * cost
local allow_at = new_tat - tolerance
if now < allow_at then
  local left = math.max(0, math.floor((tolerance - (tat - now)) / interval))
  return { 0, left, math.ceil((tat - now) / 1000), math.ceil((allow_at - now) / 1000) }
end

if ARGV[4] ~= '1' and cost > 0 then
  local ttl = math.max(1, math.ceil((new_tat - now) / 1000))
  redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', ttl)
end
local left = math.floor((tolerance - (new_tat - now)) / interval)
return { 1, left, math.ceil((new_tat - now) / 1000), 0 }
`;

const GCRA_SHA = createHash('sha1').update(GCRA_SCRIPT).digest('hex');

const isPositiveInteger = (n: number): boolean => Number.isInteger(n) && n > 0;

/** Throws on policies the algorithm cannot honour, so misconfiguration fails at the first call. */
export const validatePolicy = (policy: RateLimitPolicy): void => {
  const { limit, windowSeconds, burst } = policy;
  if (!isPositiveInteger(limit)) throw new RangeError(`limit must be a positive integer: ${limit}`);
  if (!isPositiveInteger(windowSeconds))
    throw new RangeError(`windowSeconds must be a positive integer: ${windowSeconds}`);
  if (burst !== undefined && !isPositiveInteger(burst))
    throw new RangeError(`burst must be a positive integer: ${burst}`);
};

export class RateLimiter {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #timeoutMs: number;

  constructor({ redis, prefix = 'rl:', timeoutMs = 200 }: RateLimiterOptions) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Spends `cost` units of `key`'s quota if they are available. A denied request spends
   * nothing, so a client hammering a closed door does not push its own reopening further out.
   */
  limit(key: string, policy: RateLimitPolicy, cost = 1): Promise<RateLimitResult> {
    return this.#run(key, policy, cost, false);
  }

  /** What `limit` would answer for `cost` units, without spending anything. */
  peek(key: string, policy: RateLimitPolicy, cost = 1): Promise<RateLimitResult> {
    return this.#run(key, policy, cost, true);
  }

  /** Forgets `key`'s history, e.g. the per-account login limit after a successful sign-in. */
  async reset(key: string): Promise<void> {
    await this.#withTimeout(this.#redis.del(this.#prefix + key));
  }

  async #run(
    key: string,
    policy: RateLimitPolicy,
    cost: number,
    dryRun: boolean,
  ): Promise<RateLimitResult> {
    validatePolicy(policy);
    const burst = policy.burst ?? policy.limit;
    if (!Number.isInteger(cost) || cost < 0 || cost > burst) {
      // A cost above the burst could never be allowed: a caller bug, not a rate limit.
      throw new RangeError(`cost must be an integer from 0 to the burst (${burst}): ${cost}`);
    }
    // Rounded to whole microseconds; the drift is under 1 µs per unit, far below Redis latency.
    const interval = Math.max(1, Math.round((policy.windowSeconds * 1_000_000) / policy.limit));
    const args = [interval, burst, cost, dryRun ? '1' : '0'];
    const reply = await this.#withTimeout(this.#eval(this.#prefix + key, args));
    const [allowed, remaining, resetMs, retryAfterMs] = parseReply(reply);
    return {
      allowed: allowed === 1,
      limit: policy.limit,
      remaining,
      resetSeconds: Math.ceil(resetMs / 1000),
      retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
      resetMs,
      retryAfterMs,
    };
  }

  // EVALSHA first; on NOSCRIPT (fresh server, SCRIPT FLUSH, failover) EVAL loads and caches it.
  async #eval(key: string, args: Array<string | number>): Promise<unknown> {
    try {
      return await this.#redis.evalsha(GCRA_SHA, 1, key, ...args);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('NOSCRIPT')) {
        return this.#redis.eval(GCRA_SCRIPT, 1, key, ...args);
      }
      throw err;
    }
  }

  async #withTimeout<T>(command: Promise<T>): Promise<T> {
    const ms = this.#timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      const expire = () => reject(new RateLimiterUnavailableError(`No answer in ${ms} ms`));
      timer = setTimeout(expire, ms);
    });
    try {
      return await Promise.race([command, timeout]);
    } catch (err) {
      if (err instanceof RateLimiterUnavailableError) throw err;
      throw new RateLimiterUnavailableError('Redis rate limit check failed', { cause: err });
    } finally {
      clearTimeout(timer);
      // A command that lost the race may still reject later; it has nobody left to tell.
      command.catch(() => {});
    }
  }
}

const parseReply = (reply: unknown): [number, number, number, number] => {
  if (Array.isArray(reply) && reply.length === 4) {
    const [allowed, remaining, resetMs, retryAfterMs] = reply;
    if ([allowed, remaining, resetMs, retryAfterMs].every((n) => typeof n === 'number')) {
      return [allowed, remaining, resetMs, retryAfterMs];
    }
  }
  throw new Error(`Unexpected rate limit script reply: ${JSON.stringify(reply)}`);
};
