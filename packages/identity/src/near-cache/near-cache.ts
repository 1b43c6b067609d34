/**
 * In-process copies of Redis keys that Redis itself keeps honest: server-assisted client-side
 * caching (CLIENT TRACKING, broadcasting mode). The cache's own connection asks Redis to send
 * it the name of every key under `prefixes` that anybody modifies, expires or evicts, and
 * subscribes to those messages; a copy is dropped when its key's message arrives. So a hot
 * read (a session, a tenant's RBAC version) costs no round trip, and a write on any process
 * (a revocation) reaches every process's copies in the same instant it reaches Redis's other
 * clients: Redis queues the message while it executes the write, before the writer hears OK.
 *
 * What keeps it safe (ADR 0015):
 * - Copies are kept only while the tracking connection is confirmed live. When it drops, or a
 *   heartbeat PING goes unanswered, every copy is forgotten at once and none is kept until
 *   tracking is set up again on a fresh connection (then everything is forgotten once more).
 * - A read whose answer might predate a message that arrived while it was in flight is
 *   returned but not kept, for the keys that message named (`#changed` in `read`).
 * - Writers in this process call `forgetNearCopies` after their write, so this process never
 *   reads its own write's old value, whatever the order its sockets are read in.
 */
import type { Redis } from 'ioredis';
import { setBounded } from '../bounded-map.ts';

export interface NearCacheOptions {
  /** The client to read with; the cache opens its own tracking connection from it. */
  redis: Redis;
  /** Key prefixes to track; keys outside them are read but never kept. */
  prefixes: readonly string[];
  maxEntries?: number;
  /** PING on the tracking connection this often; twice that without an answer = down. */
  heartbeatMs?: number;
  /** Warnings (tracking lost, heartbeat missed). */
  onWarning?: (message: string, err?: unknown) => void;
}

const INVALIDATE = '__redis__:invalidate';

/** A kept copy: the key's value, or null for a key that did not exist. */
type Copy = { value: string | null };

const registry = new Set<NearCache>();

/** Changed keys remembered for reads in flight before falling back to forgetting them all. */
const MAX_CHANGED = 10_000;

/**
 * Drops `keys` from every near cache of this process (and makes their reads in flight not
 * keep their answers). Call after writing any of them to Redis.
 */
export function forgetNearCopies(keys: readonly string[]): void {
  for (const cache of registry) cache.forget(keys);
}

export class NearCache {
  readonly #options: NearCacheOptions;
  // A Map, oldest out first when full: copies rarely outlive their next invalidation, and a
  // plain Map lookup is several times cheaper than an LRU's on the per-request path.
  readonly #copies = new Map<string, Copy>();
  readonly #maxEntries: number;
  #tracker: Redis | undefined;
  #live = false;
  /** Bumped when every copy is forgotten at once: a read in flight across it keeps nothing. */
  #epoch = 0;
  /**
   * Keys changed while reads were in flight, with the change's sequence number: such a read
   * keeps none of them. Per key, so a stream of changes to other keys (sign-ins, say, or
   * forged session ids filling tombstones) does not stop the cache from keeping anything.
   */
  readonly #changed = new Map<string, number>();
  #sequence = 0;
  #reads = 0;
  #heartbeat: NodeJS.Timeout | undefined;
  #lastPong = 0;
  #closed = false;

  constructor(options: NearCacheOptions) {
    this.#options = options;
    this.#maxEntries = options.maxEntries ?? 50_000;
  }

  /** True while copies are kept (tracking confirmed on the current connection). */
  get live(): boolean {
    return this.#live;
  }

  /** Opens the tracking connection; reads work (uncached) before and without it. */
  async start(): Promise<void> {
    registry.add(this);
    const tracker = this.#options.redis.duplicate({
      lazyConnect: true,
      // Tracking must be switched on before SUBSCRIBE (a subscribed RESP2 connection takes no
      // other commands), so the cache subscribes itself on every (re)connect.
      autoResubscribe: false,
      enableOfflineQueue: false,
      // The api's client pipelines automatically; PINGs on a subscribed connection go alone.
      enableAutoPipelining: false,
      maxRetriesPerRequest: 1,
    });
    this.#tracker = tracker;
    tracker.on('messageBuffer', (channel: Buffer, message: unknown) => {
      if (channel.toString() === INVALIDATE) this.#onInvalidate(message);
    });
    tracker.on('close', () => this.#lose('tracking connection closed'));
    tracker.on('ready', () => {
      void this.#track(tracker);
    });
    tracker.on('error', () => {});
    await tracker.connect();
    const heartbeatMs = this.#options.heartbeatMs ?? 1000;
    this.#heartbeat = setInterval(() => this.#beat(heartbeatMs), heartbeatMs);
    this.#heartbeat.unref();
    // The first setup runs from 'ready'; wait for it so a started cache is live.
    const until = Date.now() + 5_000;
    while (!this.#live && Date.now() < until && !this.#closed) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    registry.delete(this);
    clearInterval(this.#heartbeat);
    this.#lose();
    await this.#tracker?.quit().catch(() => {});
  }

  /** Every key's kept copy, or undefined unless all of them are kept (then call `read`). */
  peek(keys: readonly string[]): (string | null)[] | undefined {
    if (!this.#live) return undefined;
    const values: (string | null)[] = [];
    for (const key of keys) {
      const copy = this.#copies.get(key);
      if (!copy) return undefined;
      values.push(copy.value);
    }
    return values;
  }

  /** The keys' values from Redis (one MGET), kept when no change can have raced the read. */
  async read(keys: readonly string[]): Promise<(string | null)[]> {
    const epoch = this.#epoch;
    const sequence = this.#sequence;
    this.#reads++;
    let values: (string | null)[];
    try {
      values = await this.#options.redis.mget(...keys);
    } finally {
      this.#reads--;
    }
    if (this.#live && epoch === this.#epoch) {
      keys.forEach((key, i) => {
        if (!this.#tracked(key) || (this.#changed.get(key) ?? -1) > sequence) return;
        setBounded(this.#copies, key, { value: values[i] ?? null }, this.#maxEntries);
      });
    }
    if (this.#reads === 0) this.#changed.clear();
    return values;
  }

  /**
   * Resolves once every invalidation for writes that completed before the call has been
   * applied: Redis answers the PING on the tracking connection after the messages it queued
   * there earlier. For a writer outside this process's code paths (tests, scripts).
   */
  async sync(): Promise<void> {
    if (this.#live) await this.#tracker?.ping();
  }

  /** See `forgetNearCopies`. */
  forget(keys: readonly string[]): void {
    for (const key of keys) this.#drop(key);
  }

  #drop(key: string): void {
    this.#copies.delete(key);
    if (this.#reads === 0) return;
    if (this.#changed.size >= MAX_CHANGED) {
      // Too many to track one by one: forget that reads in flight ever started.
      this.#changed.clear();
      this.#epoch++;
      return;
    }
    this.#changed.set(key, ++this.#sequence);
  }

  #tracked(key: string): boolean {
    for (const prefix of this.#options.prefixes) if (key.startsWith(prefix)) return true;
    return false;
  }

  async #track(tracker: Redis): Promise<void> {
    try {
      const id = await tracker.client('ID');
      const prefixes = this.#options.prefixes.flatMap((p) => ['PREFIX', p]);
      await tracker.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(id), 'BCAST', ...prefixes);
      await tracker.subscribe(INVALIDATE);
      if (tracker !== this.#tracker || this.#closed || tracker.status !== 'ready') return;
      // Anything kept before this connection tracked may have changed unheard.
      this.#epoch++;
      this.#copies.clear();
      this.#lastPong = Date.now();
      this.#live = true;
    } catch (err) {
      this.#lose('could not switch on key tracking', err);
      tracker.disconnect(true);
    }
  }

  #onInvalidate(message: unknown): void {
    // A null message means everything (FLUSHALL, FLUSHDB).
    if (!Array.isArray(message)) {
      this.#epoch++;
      this.#copies.clear();
      return;
    }
    for (const key of message) this.#drop(String(key));
  }

  #lose(reason?: string, err?: unknown): void {
    if (this.#live && reason) this.#options.onWarning?.(`near cache off: ${reason}`, err);
    this.#live = false;
    this.#epoch++;
    this.#copies.clear();
  }

  #beat(heartbeatMs: number): void {
    const tracker = this.#tracker;
    if (!tracker || !this.#live) return;
    if (Date.now() - this.#lastPong > 2 * heartbeatMs) {
      // Silent for too long: whatever was written meanwhile may not have been heard.
      this.#lose('heartbeat missed');
      tracker.disconnect(true);
      return;
    }
    tracker.ping().then(
      () => {
        this.#lastPong = Date.now();
      },
      () => {},
    );
  }
}
