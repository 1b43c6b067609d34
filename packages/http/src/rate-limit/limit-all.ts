/**
 * Several GCRA limits checked together, all or nothing, in one Lua script (one round trip):
 * the request goes through only if every key has the quota, and a refused request spends
 * nothing on any key. That matters when the limits are nested (a credential inside its
 * tenant): a credential flooding past its own limit must not drain its tenant's quota and so
 * lock out the tenant's other members.
 *
 * Same arithmetic and reply per key as the single-key script in limiter.ts.
 *
 * @example
 * ```ts
 * const [tenant, credential] = await limitAll(limiter, [
 *   { key: `api-tenant:{${tenantId}}`, policy: PLANS.free },
 *   { key: `api-credential:{${tenantId}}:session:${sessionId}`, policy: SESSION_LIMIT },
 * ]);
 * ```
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateLimitPolicy, RateLimitResult } from './limiter.ts';
import { validatePolicy } from './limiter.ts';

// KEYS: the TAT keys. ARGV[1]: cost; then per key: emission interval (µs per unit), burst.
// Returns a flat list of { allowed (0/1), remaining, reset ms, retry-after ms } per key.
const GCRA_ALL_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local cost = tonumber(ARGV[1])
local tats, new_tats, ok = {}, {}, true
for i = 1, #KEYS do
  local interval = tonumber(ARGV[2 * i])
  local tolerance = interval * tonumber(ARGV[2 * i + 1])
  local tat = tonumber(redis.call('GET', KEYS[i])) or now
  if tat < now then tat = now end
  tats[i] = tat
  new_tats[i] = tat + interval * cost
  if now < new_tats[i] - tolerance then ok = false end
end
local reply = {}
for i = 1, #KEYS do
  local interval = tonumber(ARGV[2 * i])
  local tolerance = interval * tonumber(ARGV[2 * i + 1])
  local tat, new_tat = tats[i], new_tats[i]
  local allow_at = new_tat - tolerance
  if now < allow_at then
    local left = math.max(0, math.floor((tolerance - (tat - now)) / interval))
    table.insert(reply, 0) table.insert(reply, left)
    table.insert(reply, math.ceil((tat - now) / 1000))
    table.insert(reply, math.ceil((allow_at - now) / 1000))
  elseif ok then
    if cost > 0 then
      local ttl = math.max(1, math.ceil((new_tat - now) / 1000))
      redis.call('SET', KEYS[i], string.format('%.0f', new_tat), 'PX', ttl)
    end
    table.insert(reply, 1)
    table.insert(reply, math.floor((tolerance - (new_tat - now)) / interval))
    table.insert(reply, math.ceil((new_tat - now) / 1000)) table.insert(reply, 0)
  else
    -- Had the quota, but another key refused the request: nothing was spent here.
    table.insert(reply, 1)
    table.insert(reply, math.floor((tolerance - (tat - now)) / interval))
    table.insert(reply, math.ceil((tat - now) / 1000)) table.insert(reply, 0)
  end
end
return reply
`;

const GCRA_ALL_SHA = createHash('sha1').update(GCRA_ALL_SCRIPT).digest('hex');

export interface LimitEntry {
  /** Without the limiter's prefix. Keys of one call should share a hash tag on Redis Cluster. */
  key: string;
  policy: RateLimitPolicy;
}

/**
 * Spends `cost` on every entry's key if every one of them has it, else on none. Results come
 * back in the entries' order; a request is allowed when all of them are.
 */
export async function limitAll(
  redis: Redis,
  prefix: string,
  entries: readonly LimitEntry[],
  cost = 1,
): Promise<RateLimitResult[]> {
  if (entries.length === 0) return [];
  const args: Array<string | number> = [cost];
  for (const { policy } of entries) {
    validatePolicy(policy);
    const burst = policy.burst ?? policy.limit;
    if (!Number.isInteger(cost) || cost < 0 || cost > burst) {
      throw new RangeError(`cost must be an integer from 0 to the burst (${burst}): ${cost}`);
    }
    args.push(Math.max(1, Math.round((policy.windowSeconds * 1_000_000) / policy.limit)), burst);
  }
  const keys = entries.map((e) => prefix + e.key);
  let reply: unknown;
  try {
    reply = await redis.evalsha(GCRA_ALL_SHA, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) throw err;
    reply = await redis.eval(GCRA_ALL_SCRIPT, keys.length, ...keys, ...args);
  }
  if (!Array.isArray(reply) || reply.length !== entries.length * 4) {
    throw new Error(`Unexpected rate limit script reply: ${JSON.stringify(reply)}`);
  }
  return entries.map(({ policy }, i) => {
    const [allowed, remaining, resetMs, retryAfterMs] = reply.slice(i * 4, i * 4 + 4) as number[];
    return {
      allowed: allowed === 1,
      limit: policy.limit,
      remaining: remaining ?? 0,
      resetSeconds: Math.ceil((resetMs ?? 0) / 1000),
      retryAfterSeconds: Math.ceil((retryAfterMs ?? 0) / 1000),
      resetMs: resetMs ?? 0,
      retryAfterMs: retryAfterMs ?? 0,
    };
  });
}
