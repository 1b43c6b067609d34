import type { Redis } from 'ioredis';
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

export function parseCached(value: string | null): CacheLookup {
  if (value === null) return { kind: 'miss' };
  if (value === REVOKED) return { kind: 'revoked' };
  return { kind: 'hit', session: JSON.parse(value) as CachedSession };
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
    return;
  }
  const ttl = Math.min(SESSION_POLICY.cacheTtlMs, session.expiresAt - now);
  if (ttl > 0) await redis.set(key, JSON.stringify(session), 'PX', ttl, 'NX');
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
  const pipeline = redis.pipeline();
  for (const id of sessionIds) {
    pipeline.set(sessionKey(prefix, tenantId, id), REVOKED, 'PX', SESSION_POLICY.tombstoneTtlMs);
  }
  await pipeline.exec();
}
