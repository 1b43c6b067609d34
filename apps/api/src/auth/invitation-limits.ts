import { HttpProblem, RateLimiter, type RateLimitPolicy, rateLimitHeaders } from '@tenantkit/http';
import type { Context } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { clientAddress } from '../middleware/client-address.ts';

const PER_IP: RateLimitPolicy = { limit: 20, windowSeconds: 600, burst: 10 };

/**
 * Accepting an invitation is anonymous and sets a password, so it is limited per client
 * address (GCRA, the login limiter's store): the 256-bit secret makes guessing hopeless, but
 * the limit also bounds argon2 work and page lookups a client can cause. Fails closed (503)
 * when Redis does not answer.
 */
export function invitationLimits(deps: ApiDeps) {
  const limiter = new RateLimiter({
    redis: deps.redis,
    prefix: `${deps.keyPrefix}rl:`,
    timeoutMs: 1_000,
  });
  return {
    async check(c: Context): Promise<void> {
      const result = await limiter
        .limit(`invitation-ip:${clientAddress(c) ?? 'unknown'}`, PER_IP)
        .catch(() => {
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
          detail: 'Too many invitation attempts. Try again later.',
          headers: {
            'Retry-After': String(result.retryAfterSeconds),
            ...rateLimitHeaders('invitation-ip', PER_IP, result),
          },
        });
      }
    },
  };
}
export type InvitationLimits = ReturnType<typeof invitationLimits>;
