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
import type { Redis } from 'ioredis';
import type { RateLimitPolicy, RateLimitResult } from './limiter.ts';
import { validatePolicy } from './limiter.ts';
import { batcherOf, batchScript } from './script-batch.ts';

// What one run of the batch script shares between its calls: the clock, read once, so every
// call of the batch sees the same instant; every key read at most once; and each TAT written
// once, at the end, with its last value. Nothing else runs inside a script, so the calls see
// exactly what reading and writing Redis each time would show them, at a fraction of the
// commands when a batch's calls share keys (one tenant's limit, RBAC version, MFA policy).
const SCRIPT_STATE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local seen, tat_ttls = {}, {}
local function get(key)
  local v = seen[key]
  if v == nil then v = redis.call('GET', key) seen[key] = v end
  return v
end
local function put_tat(key, tat, ttl)
  seen[key] = string.format('%.0f', tat)
  tat_ttls[key] = ttl
end
`;

const WRITE_TATS = `
for key, ttl in pairs(tat_ttls) do redis.call('SET', key, seen[key], 'PX', ttl) end
`;

// The GCRA arithmetic as a Lua function. KEYS: the TAT keys. ARGV[1]: the cost, or 'upto:N'
// (as many units as every key has now, at most N, at least one judged); then per key:
// emission interval (µs per unit), burst. Returns a flat list of
// { allowed (0/1), remaining, reset ms, retry-after ms } per key; with 'upto:', first the
// cost it judged.
const GCRA_ALL_FUNCTION = `
local function gcra_all(KEYS, ARGV)
local cost = tonumber(ARGV[1])
local up_to = cost == nil
if up_to then cost = tonumber(string.sub(ARGV[1], 6)) end
local tats, new_tats, ok = {}, {}, true
for i = 1, #KEYS do
  local tat = tonumber(get(KEYS[i])) or now
  if tat < now then tat = now end
  tats[i] = tat
  if up_to then
    local interval = tonumber(ARGV[2 * i])
    local fits = math.floor((interval * tonumber(ARGV[2 * i + 1]) - (tat - now)) / interval)
    if fits < cost then cost = math.max(1, fits) end
  end
end
for i = 1, #KEYS do
  local interval = tonumber(ARGV[2 * i])
  local tolerance = interval * tonumber(ARGV[2 * i + 1])
  new_tats[i] = tats[i] + interval * cost
  if now < new_tats[i] - tolerance then ok = false end
end
local reply = {}
if up_to then reply[1] = cost end
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
      put_tat(KEYS[i], new_tat, ttl)
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
end
`;

const BATCH = batchScript({
  prologue: SCRIPT_STATE + GCRA_ALL_FUNCTION,
  call: 'gcra_all',
  epilogue: WRITE_TATS,
});

/**
 * Spends as many units as every entry has right now, at most `upTo`, all or nothing across the
 * entries: a lease of `granted` units for the caller to hand out itself (leases.ts). When not
 * even one unit is there, nothing is spent and `results` say when to retry.
 */
export async function leaseUnits(
  redis: Redis,
  prefix: string,
  entries: readonly LimitEntry[],
  upTo: number,
): Promise<{ granted: number; results: RateLimitResult[] }> {
  const keys = entries.map((e) => prefix + e.key);
  const args = gcraArgs(entries, upTo);
  args[0] = `upto:${upTo}`;
  const reply = await batcherOf(redis, BATCH).call(keys, args);
  if (!Array.isArray(reply) || typeof reply[0] !== 'number') {
    throw new Error(`Unexpected rate limit script reply: ${JSON.stringify(reply)}`);
  }
  const results = parseResults(entries, reply.slice(1));
  return { granted: results.every((r) => r.allowed) ? reply[0] : 0, results };
}

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
  const keys = entries.map((e) => prefix + e.key);
  const reply = await batcherOf(redis, BATCH).call(keys, gcraArgs(entries, cost));
  if (!Array.isArray(reply)) {
    throw new Error(`Unexpected rate limit script reply: ${JSON.stringify(reply)}`);
  }
  return parseResults(entries, reply);
}

function gcraArgs(entries: readonly LimitEntry[], cost: number): Array<string | number> {
  const args: Array<string | number> = [cost];
  for (const { policy } of entries) {
    validatePolicy(policy);
    const burst = policy.burst ?? policy.limit;
    if (!Number.isInteger(cost) || cost < 0 || cost > burst) {
      throw new RangeError(`cost must be an integer from 0 to the burst (${burst}): ${cost}`);
    }
    args.push(Math.max(1, Math.round((policy.windowSeconds * 1_000_000) / policy.limit)), burst);
  }
  return args;
}

function parseResults(entries: readonly LimitEntry[], reply: unknown[]): RateLimitResult[] {
  if (reply.length !== entries.length * 4) {
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
