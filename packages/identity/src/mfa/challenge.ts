/**
 * The short-lived MFA challenge between a correct password and a second factor.
 *
 * The challenge is a random token that lives only in the browser's `__Host-` cookie; Redis
 * keeps its SHA-256 under the tenant's key space with the user id and a failure count. So it
 * is bound to this tenant (another tenant's key space has no such entry), to this browser (no
 * other browser holds the token), and to this user. It expires after five minutes, dies after
 * `MFA_CHALLENGE_MAX_FAILURES` wrong codes, and is consumed by the one success.
 */
import type { TenantRecord } from '@tenantkit/db';
import type { Redis } from 'ioredis';
import { randomToken, sha256Base64url } from '../crypto/secrets.ts';

export const MFA_CHALLENGE_TTL_MS = 5 * 60 * 1000;
export const MFA_CHALLENGE_MAX_FAILURES = 5;
export const MFA_CHALLENGE_COOKIE = '__Host-tk_mfa';

export interface MfaChallengeStore {
  redis: Redis;
  keyPrefix: string;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const challengeKey = (prefix: string, tenantId: string, token: string) =>
  `${prefix}t:{${tenantId}}:mfa-challenge:${sha256Base64url(token)}`;

export async function createMfaChallenge(
  store: MfaChallengeStore,
  tenant: Pick<TenantRecord, 'id'>,
  userId: string,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  await store.redis.set(
    challengeKey(store.keyPrefix, tenant.id, token),
    JSON.stringify({ userId, tenantId: tenant.id, failures: 0 }),
    'PX',
    MFA_CHALLENGE_TTL_MS,
  );
  return { token, expiresAt: new Date(Date.now() + MFA_CHALLENGE_TTL_MS) };
}

/** The user a live challenge belongs to, or null. Does not consume it. */
export async function readMfaChallenge(
  store: MfaChallengeStore,
  tenant: Pick<TenantRecord, 'id'>,
  token: string | undefined,
): Promise<{ userId: string } | null> {
  if (!token || !TOKEN.test(token)) return null;
  const raw = await store.redis.get(challengeKey(store.keyPrefix, tenant.id, token));
  if (!raw) return null;
  const parsed = JSON.parse(raw) as { userId?: unknown; tenantId?: unknown };
  if (typeof parsed.userId !== 'string' || parsed.tenantId !== tenant.id) return null;
  return { userId: parsed.userId };
}

// Counts a failure and deletes the challenge at the limit, keeping the remaining TTL. An
// expired key is left alone (never recreated without expiry).
const RECORD_FAILURE = `
local raw = redis.call('get', KEYS[1])
if not raw then return -1 end
local state = cjson.decode(raw)
state.failures = (state.failures or 0) + 1
if state.failures >= tonumber(ARGV[1]) then
  redis.call('del', KEYS[1])
else
  redis.call('set', KEYS[1], cjson.encode(state), 'KEEPTTL')
end
return state.failures`;

export async function recordMfaChallengeFailure(
  store: MfaChallengeStore,
  tenant: Pick<TenantRecord, 'id'>,
  token: string,
): Promise<void> {
  await store.redis.eval(
    RECORD_FAILURE,
    1,
    challengeKey(store.keyPrefix, tenant.id, token),
    String(MFA_CHALLENGE_MAX_FAILURES),
  );
}

/** Deletes the challenge; true only for the one caller that actually removed it. */
export async function consumeMfaChallenge(
  store: MfaChallengeStore,
  tenant: Pick<TenantRecord, 'id'>,
  token: string,
): Promise<boolean> {
  return (await store.redis.del(challengeKey(store.keyPrefix, tenant.id, token))) === 1;
}
