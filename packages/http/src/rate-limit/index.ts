/**
 * Rate limits a route by a key taken from the request, on a shared Redis `RateLimiter`.
 *
 * Every response the middleware saw through (2xx, 4xx, 5xx) carries RateLimit-Policy and
 * RateLimit headers; a limited request gets a 429 `rate-limited` problem with Retry-After.
 *
 * Stacked middlewares (per IP, then per account) each spend their own quota, and the headers
 * describe the single most restrictive policy of the request: a denied one before any allowed
 * one (the longest Retry-After first), else the one with the fewest units left (then the
 * longest time to replenish). One policy rather than a list of all of them, so the headers
 * answer "how long until I am throttled" without the client comparing policies, and without
 * advertising every partition we count a caller by.
 *
 * When Redis is down or slow, the request goes through without headers (fail open, logged at
 * warn) unless `failClosed` is set, in which case it is refused with a 503 `unavailable`.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ redis, prefix: 'rl:' });
 * app.post(
 *   '/auth/token',
 *   rateLimit({ limiter, name: 'login-ip', policy: { limit: 30, windowSeconds: 60 },
 *     key: (c) => clientIp(c), failClosed: true }),
 *   rateLimit({ limiter, name: 'login-account', policy: { limit: 5, windowSeconds: 60 },
 *     key: async (c) => `${c.get('tenantId')}:${(await c.req.json()).email}`, failClosed: true }),
 *   handler,
 * );
 * app.use('/v1/*', rateLimit({ limiter, name: 'api', key: (c) => c.get('tenantId'),
 *   policy: (c) => PLAN_QUOTAS[c.get('plan')] }));
 * ```
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { HttpProblem } from '../problem/index.ts';
import { POLICY_NAME, rateLimitHeaders } from './headers.ts';
import {
  type RateLimiter,
  RateLimiterUnavailableError,
  type RateLimitPolicy,
  type RateLimitResult,
  validatePolicy,
} from './limiter.ts';

type MaybePromise<T> = T | Promise<T>;

export interface RateLimitOptions {
  limiter: RateLimiter;
  /** The policy name in the headers and the key namespace in Redis, e.g. `login-ip`. */
  name: string;
  /** A fixed policy, or one chosen per request, e.g. by the tenant's plan. */
  policy: RateLimitPolicy | ((c: Context) => MaybePromise<RateLimitPolicy>);
  /** The limited entity (IP, `tenant:account`, credential id); `undefined` skips limiting. */
  key: (c: Context) => MaybePromise<string | undefined>;
  /** Units this request spends; defaults to 1. */
  cost?: number | ((c: Context) => MaybePromise<number>);
  /** Refuse requests (503) when Redis cannot be asked, instead of letting them through. */
  failClosed?: boolean;
}

interface Outcome {
  name: string;
  policy: RateLimitPolicy;
  result: RateLimitResult;
}

// Outcomes of every rateLimit() that ran for a request, so stacked limiters agree on which one
// the headers describe. Keyed by the Context, which lives exactly as long as the request.
const outcomes = new WeakMap<Context, Outcome[]>();

const isMoreRestrictive = (a: RateLimitResult, b: RateLimitResult): boolean => {
  if (a.allowed !== b.allowed) return !a.allowed;
  if (!a.allowed) return a.retryAfterMs > b.retryAfterMs;
  if (a.remaining !== b.remaining) return a.remaining < b.remaining;
  return a.resetMs > b.resetMs;
};

const mostRestrictive = (list: Outcome[]): Outcome | undefined =>
  list.reduce<Outcome | undefined>(
    (worst, o) => (worst && !isMoreRestrictive(o.result, worst.result) ? worst : o),
    undefined,
  );

const record = (c: Context, outcome: Outcome): void => {
  const list = outcomes.get(c);
  if (list) list.push(outcome);
  else outcomes.set(c, [outcome]);
};

export const rateLimit = ({
  limiter,
  name,
  policy,
  key,
  cost = 1,
  failClosed = false,
}: RateLimitOptions): MiddlewareHandler => {
  if (!POLICY_NAME.test(name)) throw new RangeError(`Invalid rate limit policy name: ${name}`);
  if (typeof policy !== 'function') validatePolicy(policy);

  return async function rateLimit(c, next) {
    const entity = await key(c);
    if (entity === undefined) return next();
    const resolved = typeof policy === 'function' ? await policy(c) : policy;
    const units = typeof cost === 'function' ? await cost(c) : cost;

    let result: RateLimitResult;
    try {
      result = await limiter.limit(`${name}:${entity}`, resolved, units);
    } catch (err) {
      if (!(err instanceof RateLimiterUnavailableError)) throw err;
      if (failClosed) {
        // Logged by errorHandler, as every 5xx is.
        throw new HttpProblem({
          status: 503,
          slug: 'unavailable',
          detail: 'This request cannot be rate limited right now; try again shortly.',
          cause: err,
        });
      }
      const log: Logger | undefined = c.get('logger');
      log?.warn({ err, policy: name }, 'rate limiter unavailable; request allowed unchecked');
      return next();
    }

    record(c, { name, policy: resolved, result });
    if (!result.allowed) {
      throw new HttpProblem({
        status: 429,
        slug: 'rate-limited',
        detail: `Rate limit "${name}" exceeded; retry in ${result.retryAfterSeconds} s.`,
        extensions: { policy: name, retryAfterSeconds: result.retryAfterSeconds },
        headers: {
          ...rateLimitHeaders(name, resolved, result),
          'Retry-After': String(result.retryAfterSeconds),
        },
      });
    }

    await next();
    // After next(), so limiters further in have recorded theirs; each layer writes the same
    // winner, and the outermost writes last. Set on c.res directly, as securityHeaders does.
    const worst = mostRestrictive(outcomes.get(c) ?? []);
    if (!worst) return;
    for (const [header, value] of Object.entries(
      rateLimitHeaders(worst.name, worst.policy, worst.result),
    )) {
      c.res.headers.set(header, value);
    }
  };
};

export { rateLimitHeaders } from './headers.ts';
export { type LeaseOptions, RateLimitLeases } from './leases.ts';
export { type LimitEntry, limitAll } from './limit-all.ts';
export {
  RateLimiter,
  type RateLimiterOptions,
  RateLimiterUnavailableError,
  type RateLimitPolicy,
  type RateLimitResult,
} from './limiter.ts';
