import { type Database, schema, type TenantRecord, type TenantTx, withTenant } from '@tenantkit/db';
import { and, eq, sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { createSessionToken, parseSessionToken, verifySessionSecret } from '../crypto/index.ts';
import {
  type CachedSession,
  fillCache,
  parseCached,
  REVOKED_MARKER,
  refreshCache,
  sessionKey,
  tombstone,
} from './cache.ts';
import { SESSION_POLICY } from './policy.ts';

const { sessions } = schema;

export interface SessionStoreDeps {
  db: Database;
  redis: Redis;
  /** Redis key prefix of this environment (or test file). */
  keyPrefix: string;
}

export interface ValidSession {
  sessionId: string;
  userId: string;
  expiresAt: Date;
}

type TenantRef = Pick<TenantRecord, 'id'>;

/**
 * Creates a session inside the caller's transaction (login writes its audit event in the same
 * one). Returns the token to set as the cookie: it exists nowhere else.
 */
export async function createSession(
  tx: TenantTx,
  tenant: TenantRef,
  input: { userId: string; ip?: string | null; userAgent?: string | null },
  now = new Date(),
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const { token, id, secretHash } = createSessionToken();
  const absoluteExpiresAt = new Date(now.getTime() + SESSION_POLICY.absoluteMs);
  const expiresAt = new Date(now.getTime() + SESSION_POLICY.inactivityMs);
  await tx.insert(sessions).values({
    tenantId: tenant.id,
    id,
    userId: input.userId,
    secretHash,
    ip: input.ip ?? null,
    userAgent: input.userAgent?.slice(0, 512) ?? null,
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
    absoluteExpiresAt,
  });
  return { token, sessionId: id, expiresAt };
}

/**
 * The session a cookie names, or null: malformed, unknown, revoked, expired or a wrong secret
 * all look the same to the caller. Redis answers for Postgres; an active session's expiry is
 * pushed forward at most once an hour.
 */
export async function validateSession(
  deps: SessionStoreDeps,
  tenant: TenantRef,
  token: string | undefined,
  now = Date.now(),
): Promise<ValidSession | null> {
  return (await validateSessionReading(deps, tenant, token, [], now)).session;
}

/**
 * `validateSession`, also reading `alsoRead` (keys of the same tenant, e.g. its RBAC version)
 * in the same Redis MGET, so authenticating a request costs one Redis round trip. `values`
 * holds their values in order, or nulls when the token was not even well-formed.
 */
export async function validateSessionReading(
  deps: SessionStoreDeps,
  tenant: TenantRef,
  token: string | undefined,
  alsoRead: readonly string[],
  now = Date.now(),
): Promise<{ session: ValidSession | null; values: (string | null)[] }> {
  const lookup = sessionLookup(deps.keyPrefix, tenant, token);
  if (!lookup) return { session: null, values: alsoRead.map(() => null) };
  const [value = null, ...values] =
    alsoRead.length === 0
      ? [await deps.redis.get(lookup.key)]
      : await deps.redis.mget(lookup.key, ...alsoRead);
  const session = await checkSessionReading(deps, tenant, lookup, value, now);
  return { session, values };
}

/** Where a session cookie's cached copy lives, or undefined when the token is malformed. */
export interface SessionLookup {
  /** The Redis key of the session's cached copy (or tombstone). */
  key: string;
  sessionId: string;
  parsed: { id: string; secret: string };
}

export function sessionLookup(
  keyPrefix: string,
  tenant: TenantRef,
  token: string | undefined,
): SessionLookup | undefined {
  const parsed = parseSessionToken(token);
  if (!parsed) return undefined;
  return { key: sessionKey(keyPrefix, tenant.id, parsed.id), sessionId: parsed.id, parsed };
}

/** What a revoked session's cached copy holds (until the tombstone expires). */
export const SESSION_TOMBSTONE = REVOKED_MARKER;

/**
 * The second half of validation, for a caller that read `lookup.key` itself (in one round trip
 * with other work, e.g. the api's rate limits): checks the cached copy, or Postgres on a miss.
 */
export function checkSessionReading(
  deps: SessionStoreDeps,
  tenant: TenantRef,
  lookup: SessionLookup,
  value: string | null,
  now = Date.now(),
): Promise<ValidSession | null> {
  return checkSession(deps, tenant, lookup.parsed, lookup.key, value, now);
}

async function checkSession(
  deps: SessionStoreDeps,
  tenant: TenantRef,
  parsed: { id: string; secret: string },
  key: string,
  value: string | null,
  now: number,
): Promise<ValidSession | null> {
  const cached = parseCached(value);
  if (cached.kind === 'revoked') return null;
  let session = cached.kind === 'hit' ? cached.session : await loadSession(deps, tenant, parsed.id);
  if (cached.kind === 'miss') await fillCache(deps.redis, key, session, now);
  if (!session || !verifySessionSecret(parsed.secret, session.secretHash)) return null;
  if (now >= session.expiresAt || now >= session.absoluteExpiresAt) return null;
  if (now - session.lastSeenAt >= SESSION_POLICY.extendEveryMs) {
    session = await extendSession(deps, tenant, parsed.id, session, now);
    await refreshCache(deps.redis, key, session, now);
  }
  return { sessionId: parsed.id, userId: session.userId, expiresAt: new Date(session.expiresAt) };
}

async function loadSession(
  deps: SessionStoreDeps,
  tenant: TenantRef,
  id: string,
): Promise<CachedSession | null> {
  const [row] = await withTenant(deps.db, tenant.id, (tx) =>
    tx
      .select()
      .from(sessions)
      .where(and(eq(sessions.tenantId, tenant.id), eq(sessions.id, id))),
  );
  if (!row) return null;
  return {
    userId: row.userId,
    secretHash: row.secretHash,
    expiresAt: row.expiresAt.getTime(),
    absoluteExpiresAt: row.absoluteExpiresAt.getTime(),
    lastSeenAt: row.lastSeenAt.getTime(),
  };
}

async function extendSession(
  deps: SessionStoreDeps,
  tenant: TenantRef,
  id: string,
  session: CachedSession,
  now: number,
): Promise<CachedSession> {
  const expiresAt = Math.min(now + SESSION_POLICY.inactivityMs, session.absoluteExpiresAt);
  await withTenant(deps.db, tenant.id, (tx) =>
    tx
      .update(sessions)
      .set({ lastSeenAt: new Date(now), expiresAt: new Date(expiresAt) })
      .where(and(eq(sessions.tenantId, tenant.id), eq(sessions.id, id))),
  );
  return { ...session, expiresAt, lastSeenAt: now };
}

export interface SessionSummary {
  id: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export async function listUserSessions(
  tx: TenantTx,
  tenant: TenantRef,
  userId: string,
): Promise<SessionSummary[]> {
  return tx
    .select({
      id: sessions.id,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .where(
      and(
        eq(sessions.tenantId, tenant.id),
        eq(sessions.userId, userId),
        sql`${sessions.expiresAt} > now()`,
      ),
    )
    .orderBy(sessions.createdAt);
}

/**
 * Deletes sessions (one, or all of a user) inside the caller's transaction and returns their
 * ids; pass them to `forgetSessions` once the transaction has committed.
 */
export async function deleteSessions(
  tx: TenantTx,
  tenant: TenantRef,
  where: { userId: string; sessionId?: string },
): Promise<string[]> {
  const rows = await tx
    .delete(sessions)
    .where(
      and(
        eq(sessions.tenantId, tenant.id),
        eq(sessions.userId, where.userId),
        where.sessionId ? eq(sessions.id, where.sessionId) : undefined,
      ),
    )
    .returning({ id: sessions.id });
  return rows.map((r) => r.id);
}

export function forgetSessions(deps: SessionStoreDeps, tenant: TenantRef, sessionIds: string[]) {
  return tombstone(deps.redis, deps.keyPrefix, tenant.id, sessionIds);
}
