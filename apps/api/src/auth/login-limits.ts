import { createHash } from 'node:crypto';
import { HttpProblem, RateLimiter, type RateLimitPolicy, rateLimitHeaders } from '@tenantkit/http';
import type { Context } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { clientAddress } from '../middleware/client-address.ts';

const PER_IP: RateLimitPolicy = { limit: 30, windowSeconds: 60, burst: 30 };
const PER_ACCOUNT: RateLimitPolicy = { limit: 5, windowSeconds: 300, burst: 5 };

/**
 * Brute-force protection for password sign-in: per client address across accounts, and per
 * (tenant, account) across addresses. The account key is a hash, so no email sits in Redis
 * key names, and it is the same whether or not the account exists.
 */
export function loginLimits(deps: ApiDeps) {
  const limiter = new RateLimiter({
    redis: deps.redis,
    prefix: `${deps.keyPrefix}rl:`,
    timeoutMs: 1_000,
  });
  const accountKey = (tenantId: string, email: string) =>
    `login-account:${tenantId}:${createHash('sha256').update(email.trim().toLowerCase()).digest('base64url')}`;
  return {
    /** Throws a 429 problem when either limit is exhausted; fails closed if Redis is down. */
    async check(c: Context, email: string): Promise<void> {
      const tenant = c.get('tenant');
      const checks: Array<[string, string, RateLimitPolicy]> = [
        ['login-ip', `login-ip:${clientAddress(c) ?? 'unknown'}`, PER_IP],
        ['login-account', accountKey(tenant.id, email), PER_ACCOUNT],
      ];
      for (const [name, key, policy] of checks) {
        const result = await limiter.limit(key, policy).catch(() => {
          throw new HttpProblem({
            status: 503,
            slug: 'unavailable',
            headers: { 'Retry-After': '5' },
          });
        });
        if (!result.allowed) {
          throw new HttpProblem({
            status: 429,
            slug: 'rate-limited',
            detail: 'Too many sign-in attempts. Try again later.',
            headers: {
              'Retry-After': String(result.retryAfterSeconds),
              ...rateLimitHeaders(name, policy, result),
            },
          });
        }
      }
    },
    /** A successful sign-in clears the account's failures (the per-address limit stays). */
    async succeeded(c: Context, email: string): Promise<void> {
      await limiter.reset(accountKey(c.get('tenant').id, email)).catch(() => {});
    },
  };
}
export type LoginLimits = ReturnType<typeof loginLimits>;
