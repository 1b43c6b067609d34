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

// The GCRA arithmetic as a Lua function. KEYS: the TAT keys. ARGV[1]: cost; then per key:
// emission interval (µs per unit), burst. Returns a flat list of
// { allowed (0/1), remaining, reset ms, retry-after ms } per key.
const GCRA_ALL_FUNCTION = `
local function gcra_all(KEYS, ARGV)
local cost = tonumber(ARGV[1])
local tats, new_tats, ok = {}, {}, true
for i = 1, #KEYS do
  local interval = tonumber(ARGV[2 * i])
  local tolerance = interval * tonumber(ARGV[2 * i + 1])
  local tat = tonumber(get(KEYS[i])) or now
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

// One call of the batch script (script-batch.ts). KEYS: the keys to read (ARGV[1] of them),
// then the TAT keys. ARGV[2]: when to charge, judged on the first read key: 'always' (nothing
// read), 'absent' (it does not exist) or 'live:<tombstone>' (it exists and is not the
// tombstone). ARGV[3..]: as gcra_all's ARGV. Returns the read values, 1 if charged (else 0),
// then gcra_all's reply if charged.
const READ_THEN_LIMIT_FUNCTION = `
local function read_then_limit(KEYS, ARGV)
local n = tonumber(ARGV[1])
local reply, limit_keys, limit_args = {}, {}, {}
for i = 1, n do reply[i] = get(KEYS[i]) end
for i = n + 1, #KEYS do limit_keys[#limit_keys + 1] = KEYS[i] end
for i = 3, #ARGV do limit_args[#limit_args + 1] = ARGV[i] end
local first, gate = reply[1], ARGV[2]
local pass
if gate == 'always' then pass = true
elseif gate == 'absent' then pass = (first == false)
else pass = (first ~= false and first ~= string.sub(gate, 6)) end
if not pass then reply[n + 1] = 0 return reply end
reply[n + 1] = 1
for _, v in ipairs(gcra_all(limit_keys, limit_args)) do reply[#reply + 1] = v end
return reply
end
`;

const BATCH = batchScript({
  prologue: SCRIPT_STATE + GCRA_ALL_FUNCTION + READ_THEN_LIMIT_FUNCTION,
  call: 'read_then_limit',
  epilogue: WRITE_TATS,
});

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
  const reply = await batcherOf(redis, BATCH).call(keys, [0, 'always', ...gcraArgs(entries, cost)]);
  if (!Array.isArray(reply) || reply[0] !== 1) {
    throw new Error(`Unexpected rate limit script reply: ${JSON.stringify(reply)}`);
  }
  return parseResults(entries, reply.slice(1));
}

/** When `readThenLimit` charges: the first read key must be absent, or live (not a tombstone). */
export type ChargeGate = { absent: true } | { liveUnless: string };

/**
 * Reads some keys and, only if the first of them passes `gate`, spends `cost` on `entries` as
 * `limitAll` does: one round trip where reading a credential's state and then charging its
 * rate limits would take two. The gate keeps the "authenticate first, then count" order: a
 * request whose credential Redis does not know as live (unknown, revoked) spends no quota,
 * and the caller falls back to checking it the slow way.
 *
 * `read` keys are full keys (no prefix); `entries` keys get `prefix` like limitAll's. On Redis
 * Cluster every key must share one hash slot.
 */
export async function readThenLimit(
  redis: Redis,
  {
    read,
    gate,
    prefix,
    entries,
    cost = 1,
  }: {
    read: readonly [string, ...string[]];
    gate: ChargeGate;
    prefix: string;
    entries: readonly LimitEntry[];
    cost?: number;
  },
): Promise<{ values: (string | null)[]; results: RateLimitResult[] | undefined }> {
  const gateArg = 'absent' in gate ? 'absent' : `live:${gate.liveUnless}`;
  const keys = [...read, ...entries.map((e) => prefix + e.key)];
  const args = [read.length, gateArg, ...gcraArgs(entries, cost)];
  const reply = await batcherOf(redis, BATCH).call(keys, args);
  if (!Array.isArray(reply) || reply.length < read.length + 1) {
    throw new Error(`Unexpected rate limit script reply: ${JSON.stringify(reply)}`);
  }
  const values = reply.slice(0, read.length).map((v) => (typeof v === 'string' ? v : null));
  const charged = reply[read.length] === 1;
  return {
    values,
    results: charged ? parseResults(entries, reply.slice(read.length + 1)) : undefined,
  };
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
