import type { Redis } from 'ioredis';
import { setBounded } from '../bounded-map.ts';
import { forgetNearCopies } from '../near-cache/index.ts';
import { SESSION_POLICY } from './policy.ts';

export interface CachedSession {
  userId: string;
  secretHash: string;
  expiresAt: number;
  absoluteExpiresAt: number;
  lastSeenAt: number;
}

/** `t:{tenant}:...`: one hash slot per tenant, and a prefix per environment or test file. */
export const sessionKey = (prefix: string, tenantId: string, sessionId: string) =>
  `${prefix}t:{${tenantId}}:session:${sessionId}`;

/** What a revoked session's key holds until the tombstone expires. */
export const REVOKED_MARKER = 'revoked';
const REVOKED = REVOKED_MARKER;

export type CacheLookup =
  | { kind: 'miss' }
  | { kind: 'revoked' }
  | { kind: 'hit'; session: CachedSession };

const MISS: CacheLookup = Object.freeze({ kind: 'miss' });
const REVOKED_LOOKUP: CacheLookup = Object.freeze({ kind: 'revoked' });

// Parsed copies by their JSON: a session read from the near cache is the same string on every
// request, so it is parsed once. Frozen, since every request shares it. Oldest out when full;
// as many as the near cache holds copies, since a FIFO smaller than the sessions in use would
// miss on every request (measured at 10,000 tenants with one session each).
const parsed = new Map<string, CacheLookup>();
const PARSED_MAX = 50_000;

export function parseCached(value: string | null): CacheLookup {
  if (value === null) return MISS;
  if (value === REVOKED) return REVOKED_LOOKUP;
  let lookup = parsed.get(value);
  if (!lookup) {
    const session = Object.freeze(JSON.parse(value) as CachedSession);
    lookup = Object.freeze({ kind: 'hit', session });
    setBounded(parsed, value, lookup, PARSED_MAX);
  }
  return lookup;
}

/**
 * Fills the cache only if nothing is there (NX): a tombstone written by a revocation that
 * committed while this reader was looking at Postgres must win over the reader's stale copy.
 */
export async function fillCache(
  redis: Redis,
  key: string,
  session: CachedSession | null,
  now: number,
) {
  if (!session) {
    await redis.set(key, REVOKED, 'PX', SESSION_POLICY.tombstoneTtlMs, 'NX');
  } else {
    const ttl = Math.min(SESSION_POLICY.cacheTtlMs, session.expiresAt - now);
    if (ttl > 0) await redis.set(key, JSON.stringify(session), 'PX', ttl, 'NX');
  }
  forgetNearCopies([key]);
}

/** After an extension: replace the copy only if it is still a live copy (XX), never a tombstone. */
export async function refreshCache(redis: Redis, key: string, session: CachedSession, now: number) {
  const ttl = Math.min(SESSION_POLICY.cacheTtlMs, session.expiresAt - now);
  if (ttl <= 0) return;
  await redis.eval(
    "if redis.call('get', KEYS[1]) ~= ARGV[3] then return redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'XX') end return 0",
    1,
    key,
    JSON.stringify(session),
    String(ttl),
    REVOKED,
  );
  forgetNearCopies([key]);
}

/**
 * Marks sessions revoked in the cache. Called after the deleting transaction commits; every
 * instance reads the same Redis, so the revocation holds everywhere from this moment.
 */
export async function tombstone(
  redis: Redis,
  prefix: string,
  tenantId: string,
  sessionIds: string[],
) {
  if (sessionIds.length === 0) return;
  const keys = sessionIds.map((id) => sessionKey(prefix, tenantId, id));
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.set(key, REVOKED, 'PX', SESSION_POLICY.tombstoneTtlMs);
  await pipeline.exec();
  // Other processes drop their copies on Redis's invalidation message; this one at once.
  forgetNearCopies(keys);
}
