/**
 * Runs many calls of one Lua function in one EVALSHA: the calls of an event-loop turn whose
 * keys share a Redis Cluster hash tag (for /v1, one tenant's) go out as one script whose
 * reply holds each call's own reply. One command per tenant and turn instead of one per
 * request: ioredis spends about as much CPU on a command's bookkeeping as on its bytes, so a
 * busy process saves most of what a per-request round trip costs it, and Redis runs one
 * script instead of dozens. Every call still reads and writes Redis itself, atomically and
 * in arrival order: nothing is cached or approximated.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Calls per EVALSHA at most: bounds how long one script keeps Redis busy (~5 µs a call). */
const MAX_CALLS_PER_SCRIPT = 128;

/**
 * The script that runs `call` (a Lua function `call(KEYS, ARGV)` defined in `prologue`) once
 * per call, then `epilogue`. ARGV[1]: the number of calls; then per call its key count, its
 * argument count and its arguments. KEYS: every call's keys, in order. A call that raises an
 * error gets it as its own reply; the others are unaffected.
 */
export function batchScript({
  prologue,
  call,
  epilogue = '',
}: {
  prologue: string;
  call: string;
  epilogue?: string;
}): { script: string; sha: string } {
  const script = `${prologue}
local out, k, a = {}, 0, 1
for c = 1, tonumber(ARGV[1]) do
  local nkeys, nargs = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  local keys, args = {}, {}
  for i = 1, nkeys do keys[i] = KEYS[k + i] end
  for i = 1, nargs do args[i] = ARGV[a + 2 + i] end
  k, a = k + nkeys, a + 2 + nargs
  local ok, reply = pcall(${call}, keys, args)
  if ok then out[c] = reply
  elseif type(reply) == 'table' and reply.err then out[c] = reply
  else out[c] = redis.error_reply(tostring(reply)) end
end
${epilogue}
return out
`;
  return { script, sha: createHash('sha1').update(script).digest('hex') };
}

interface PendingCall {
  keys: readonly string[];
  args: ReadonlyArray<string | number>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The hash tag Redis Cluster would place `key` by (the first non-empty `{...}`), or the key.
 * Two keys with the same answer always share a slot.
 */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/**
 * Collects calls of one batch script and sends them once the loop has read every request
 * that arrived (setImmediate runs after the poll phase; ioredis's own auto-pipelining
 * flushes on process.nextTick, which under load is after every single request). Calls whose
 * keys share a hash tag ride in one EVALSHA; calls whose keys do not go alone, so every
 * script touches one slot.
 */
export class ScriptBatcher {
  readonly #groups = new Map<string, PendingCall[]>();
  #alone = 0;

  constructor(
    private readonly redis: Redis,
    private readonly batch: { script: string; sha: string },
  ) {}

  call(keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      if (this.#groups.size === 0) setImmediate(() => this.#flush());
      const slot = sharedTag(keys) ?? `\0${++this.#alone}`;
      const group = this.#groups.get(slot);
      const call = { keys, args, resolve, reject };
      if (group) group.push(call);
      else this.#groups.set(slot, [call]);
    });
  }

  #flush(): void {
    const groups = [...this.#groups.values()];
    this.#groups.clear();
    this.#alone = 0;
    for (const calls of groups) {
      for (let i = 0; i < calls.length; i += MAX_CALLS_PER_SCRIPT) {
        void this.#send(calls.slice(i, i + MAX_CALLS_PER_SCRIPT));
      }
    }
  }

  async #send(calls: PendingCall[]): Promise<void> {
    const keys: string[] = [];
    const args: Array<string | number> = [calls.length];
    for (const call of calls) {
      for (const key of call.keys) keys.push(key);
      args.push(call.keys.length, call.args.length);
      for (const arg of call.args) args.push(arg);
    }
    let reply: unknown;
    try {
      reply = await this.#run(keys, args);
    } catch (error) {
      for (const call of calls) call.reject(error);
      return;
    }
    if (!Array.isArray(reply) || reply.length !== calls.length) {
      const error = new Error(`Unexpected batch script reply: ${JSON.stringify(reply)}`);
      for (const call of calls) call.reject(error);
      return;
    }
    calls.forEach((call, i) => {
      const one: unknown = reply[i];
      if (one instanceof Error) call.reject(one);
      else call.resolve(one);
    });
  }

  async #run(keys: string[], args: Array<string | number>): Promise<unknown> {
    const { redis, batch } = this;
    try {
      return await redis.evalsha(batch.sha, keys.length, ...keys, ...args);
    } catch (err) {
      // A fresh server, SCRIPT FLUSH or a failover: EVAL loads the script and caches it.
      if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) throw err;
      return redis.eval(batch.script, keys.length, ...keys, ...args);
    }
  }
}

function sharedTag(keys: readonly string[]): string | undefined {
  const [first] = keys;
  if (first === undefined) return undefined;
  const tag = hashTag(first);
  for (let i = 1; i < keys.length; i++) if (hashTag(keys[i] as string) !== tag) return undefined;
  return tag;
}

const batchers = new WeakMap<Redis, Map<string, ScriptBatcher>>();

/** The one batcher of `batch` on this connection (calls of one turn must meet in it). */
export function batcherOf(redis: Redis, batch: { script: string; sha: string }): ScriptBatcher {
  let byScript = batchers.get(redis);
  if (!byScript) {
    byScript = new Map();
    batchers.set(redis, byScript);
  }
  let batcher = byScript.get(batch.sha);
  if (!batcher) {
    batcher = new ScriptBatcher(redis, batch);
    byScript.set(batch.sha, batcher);
  }
  return batcher;
}
