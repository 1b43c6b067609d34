import { HttpProblem, RateLimiter, type RateLimitPolicy, rateLimitHeaders } from '@tenantkit/http';
import type { Context } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { clientAddress } from '../middleware/client-address.ts';

/**
 * Guessing limits for second factors and re-authentication, per (tenant, account): a six-digit
 * code has a million values, so five guesses per five minutes keep an attacker who has the
 * password far from it. Per account rather than per challenge, so signing in again with the
 * password does not buy fresh guesses. Fails closed when Redis is unavailable.
 */
const POLICIES = {
  'mfa-login': { limit: 5, windowSeconds: 300, burst: 5 },
  'mfa-manage': { limit: 5, windowSeconds: 300, burst: 5 },
  'password-change': { limit: 5, windowSeconds: 300, burst: 5 },
} as const satisfies Record<string, RateLimitPolicy>;
const PER_IP: RateLimitPolicy = { limit: 30, windowSeconds: 60, burst: 30 };

export type AccountLimitName = keyof typeof POLICIES;

export function accountLimits(deps: ApiDeps) {
  const limiter = new RateLimiter({
    redis: deps.redis,
    prefix: `${deps.keyPrefix}rl:`,
    timeoutMs: 1_000,
  });
  const key = (c: Context, name: AccountLimitName, userId: string) =>
    `${name}:${c.get('tenant').id}:${userId}`;
  const enforce = async (name: string, key: string, policy: RateLimitPolicy) => {
    const result = await limiter.limit(key, policy).catch(() => {
      throw new HttpProblem({ status: 503, slug: 'unavailable', headers: { 'Retry-After': '5' } });
    });
    if (!result.allowed) {
      throw new HttpProblem({
        status: 429,
        slug: 'rate-limited',
        detail: 'Too many attempts. Try again later.',
        headers: {
          'Retry-After': String(result.retryAfterSeconds),
          ...rateLimitHeaders(name, policy, result),
        },
      });
    }
  };
  return {
    /** Throws a 429 problem when the account (or, for sign-in, the address) is over its limit. */
    async check(c: Context, name: AccountLimitName, userId: string): Promise<void> {
      if (name === 'mfa-login') {
        await enforce('mfa-ip', `mfa-ip:${clientAddress(c) ?? 'unknown'}`, PER_IP);
      }
      await enforce(name, key(c, name, userId), POLICIES[name]);
    },
    /** A success clears the account's failures. */
    async succeeded(c: Context, name: AccountLimitName, userId: string): Promise<void> {
      await limiter.reset(key(c, name, userId)).catch(() => {});
    },
  };
}
export type AccountLimits = ReturnType<typeof accountLimits>;
