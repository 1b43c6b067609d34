/**
 * `limitAll` for a hot path: a process that sends many requests against the same limits
 * takes their units from Redis a few at a time (a lease) and hands them out itself, instead
 * of one round trip per request.
 *
 * The lease is sized to the traffic the process sees for those limits: about 25 ms of it,
 * never more than 5% of the smallest burst, and a single unit (exactly `limitAll`) while the
 * traffic is light. What that costs in accuracy:
 * - never more requests than the limits allow: every unit handed out was spent in Redis;
 * - a client may be refused a little early: units a process leased but has not used yet are
 *   spent for everyone else. At most one lease per process, and a lease unused after
 *   `leaseTtlMs` is dropped;
 * - `remaining` is what Redis said when the lease was taken, less the units used since.
 *
 * A refusal is kept until its retry-after: no unit can come back before then, so asking Redis
 * again would only cost a round trip.
 */
import type { Redis } from 'ioredis';
import { type LimitEntry, leaseUnits, limitAll } from './limit-all.ts';
import type { RateLimitResult } from './limiter.ts';

export interface LeaseOptions {
  /** Lease about this many milliseconds of the recent request rate (default 25). */
  leaseMs?: number;
  /** At most this share of the smallest burst per lease (default 0.05). */
  maxBurstShare?: number;
  /** Units left this long after the lease are dropped (default 250 ms). */
  leaseTtlMs?: number;
}

/** Rate is counted in windows of this length. */
const RATE_WINDOW_MS = 100;

interface LeaseState {
  /** Units of the current lease not handed out yet. */
  units: number;
  /** When the current lease's units stop being handed out, or a refusal stops being repeated. */
  until: number;
  /** Redis's answer when the lease was taken (or the refusal), and when that was. */
  results: RateLimitResult[];
  takenAt: number;
  refused: boolean;
  /** Requests in the current rate window, and in the last complete one. */
  windowStart: number;
  count: number;
  lastCount: number;
  /** The lease being taken, which requests arriving meanwhile wait for. */
  pending: Promise<void> | undefined;
}

export class RateLimitLeases {
  readonly #states = new Map<string, LeaseState>();
  readonly #leaseMs: number;
  readonly #maxBurstShare: number;
  readonly #leaseTtlMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    { leaseMs = 25, maxBurstShare = 0.05, leaseTtlMs = 250 }: LeaseOptions = {},
  ) {
    this.#leaseMs = leaseMs;
    this.#maxBurstShare = maxBurstShare;
    this.#leaseTtlMs = leaseTtlMs;
  }

  /**
   * `take`'s answer when the current lease (or refusal) can give it without waiting, else
   * undefined: the caller then awaits `take`.
   */
  tryTake(entries: readonly LimitEntry[]): RateLimitResult[] | undefined {
    const state = this.#states.get(stateId(entries));
    if (!state || state.pending) return undefined;
    const now = Date.now();
    const answer = this.#fromLease(state, now);
    if (answer) this.#count(state, now);
    return answer;
  }

  /** One unit of every entry, or the refusal: `limitAll(entries)`'s answer, from a lease. */
  async take(entries: readonly LimitEntry[]): Promise<RateLimitResult[]> {
    const id = stateId(entries);
    let state = this.#states.get(id);
    const now = Date.now();
    if (!state) {
      state = {
        units: 0,
        until: 0,
        results: [],
        takenAt: 0,
        refused: false,
        windowStart: now,
        count: 0,
        lastCount: 0,
        pending: undefined,
      };
      this.#states.set(id, state);
      this.#sweepSoon();
    }
    this.#count(state, now);
    for (;;) {
      const answer = this.#fromLease(state, Date.now());
      if (answer) return answer;
      if (!state.pending) {
        const size = this.#leaseSize(state, entries);
        // Light traffic: this request's own unit, as limitAll, with no lease to share.
        if (size === 1) return this.#single(state, entries);
        state.pending = this.#lease(state, entries, size).finally(() => {
          (state as LeaseState).pending = undefined;
        });
      }
      await state.pending;
    }
  }

  #count(state: LeaseState, now: number): void {
    if (now - state.windowStart >= RATE_WINDOW_MS) {
      state.lastCount = now - state.windowStart < 2 * RATE_WINDOW_MS ? state.count : 0;
      state.windowStart = now;
      state.count = 0;
    }
    state.count++;
  }

  #fromLease(state: LeaseState, now: number): RateLimitResult[] | undefined {
    if (now >= state.until) return undefined;
    if (state.refused) return state.results.map((r) => waitedSince(r, now - state.takenAt));
    if (state.units === 0) return undefined;
    state.units--;
    // Redis counted the whole lease as spent; this request sees what is left after it.
    const extra = state.units;
    return extra === 0 ? state.results : state.results.map((r) => withExtra(r, extra));
  }

  #leaseSize(state: LeaseState, entries: readonly LimitEntry[]): number {
    const perMs = Math.max(state.count, state.lastCount) / RATE_WINDOW_MS;
    const wanted = Math.ceil(perMs * this.#leaseMs);
    let cap = Number.POSITIVE_INFINITY;
    for (const { policy } of entries) {
      cap = Math.min(cap, Math.floor((policy.burst ?? policy.limit) * this.#maxBurstShare));
    }
    return Math.max(1, Math.min(wanted, cap));
  }

  async #single(state: LeaseState, entries: readonly LimitEntry[]): Promise<RateLimitResult[]> {
    const results = await limitAll(this.redis, this.prefix, entries);
    // A refusal is kept like a lease's, so the requests behind it do not ask again.
    if (!results.every((r) => r.allowed)) this.#store(state, 0, results);
    return results;
  }

  async #lease(state: LeaseState, entries: readonly LimitEntry[], size: number): Promise<void> {
    const { granted, results } = await leaseUnits(this.redis, this.prefix, entries, size);
    this.#store(state, granted, results);
  }

  #store(state: LeaseState, granted: number, results: RateLimitResult[]): void {
    const now = Date.now();
    state.results = results;
    state.takenAt = now;
    state.refused = granted === 0;
    state.units = granted;
    if (state.refused) {
      let wait = 0;
      for (const r of results) if (!r.allowed) wait = Math.max(wait, r.retryAfterMs);
      state.until = now + wait;
    } else {
      state.until = now + this.#leaseTtlMs;
    }
  }

  #sweeping: NodeJS.Timeout | undefined;

  /** Drops idle states now and then, so one-off credentials do not pile up. */
  #sweepSoon(): void {
    if (this.#sweeping) return;
    this.#sweeping = setTimeout(() => {
      this.#sweeping = undefined;
      const now = Date.now();
      for (const [id, state] of this.#states) {
        if (!state.pending && now >= state.until && now - state.windowStart > 2 * RATE_WINDOW_MS)
          this.#states.delete(id);
      }
      if (this.#states.size > 0) this.#sweepSoon();
    }, 10_000);
    this.#sweeping.unref();
  }
}

function stateId(entries: readonly LimitEntry[]): string {
  if (entries.length === 1) return (entries[0] as LimitEntry).key;
  let id = '';
  for (const e of entries) id += `${e.key}\n`;
  return id;
}

function withExtra(result: RateLimitResult, extra: number): RateLimitResult {
  return { ...result, remaining: result.remaining + extra };
}

/** A refusal `elapsedMs` after Redis gave it: the waits are that much shorter. */
function waitedSince(result: RateLimitResult, elapsedMs: number): RateLimitResult {
  if (elapsedMs <= 0) return result;
  const retryAfterMs = Math.max(0, result.retryAfterMs - elapsedMs);
  const resetMs = Math.max(0, result.resetMs - elapsedMs);
  return {
    ...result,
    retryAfterMs,
    retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
    resetMs,
    resetSeconds: Math.ceil(resetMs / 1000),
  };
}
