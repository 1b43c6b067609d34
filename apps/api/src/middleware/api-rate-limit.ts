import type { TenantRecord } from '@tenantkit/db';
import {
  HttpProblem,
  type LimitEntry,
  RateLimitLeases,
  type RateLimitPolicy,
  type RateLimitResult,
  rateLimitHeaders,
} from '@tenantkit/http';
import type { Context, MiddlewareHandler } from 'hono';
import type { Principal } from '../auth/principal.ts';
import type { ApiDeps } from '../deps.ts';

/**
 * Requests per minute a tenant's members and machines may send to /v1, together, by plan.
 * An unknown plan gets the free limits (fail closed on quota, never open).
 */
export const API_PLAN_LIMITS: Readonly<Record<string, RateLimitPolicy>> = {
  free: { limit: 600, windowSeconds: 60, burst: 100 },
  pro: { limit: 6_000, windowSeconds: 60, burst: 600 },
  enterprise: { limit: 60_000, windowSeconds: 60, burst: 3_000 },
};

/**
 * Requests per minute of one credential, by kind, inside its tenant's limit: one member's
 * runaway script slows down that member, not the whole tenant. Kinds are the first segment of
 * `credentialKey`; API keys and service clients add theirs here.
 */
export const API_CREDENTIAL_LIMITS: Readonly<Record<string, RateLimitPolicy>> = {
  session: { limit: 300, windowSeconds: 60, burst: 60 },
  client: { limit: 1_200, windowSeconds: 60, burst: 200 },
  api_key: { limit: 1_200, windowSeconds: 60, burst: 200 },
};

/**
 * Who a request is counted as: `<kind>:<id>`. A session counts by itself, so signing in on a
 * second device gets a second allowance; other credential kinds (API keys, clients) name
 * theirs the same way.
 */
export function credentialKey(principal: Principal): string {
  switch (principal.via) {
    case 'session':
      return `session:${principal.sessionId}`;
    case 'bearer':
      // A service client counts all its tokens together; an API key counts by itself.
      return `${principal.type}:${principal.id}`;
  }
}

export type ApiLimitEntry = LimitEntry & { name: 'tenant' | 'credential' };

/**
 * Rate limits /v1 per tenant (by plan) and per credential, after authentication, so an
 * anonymous flood is answered 401 without spending any tenant's quota. Both limits are
 * checked in one Lua script, all or nothing: a refused request spends nothing on either.
 * Every response it sees through carries RateLimit-Policy and RateLimit for the tighter of the
 * two; a refused request gets a 429 problem with Retry-After. If Redis fails, the request goes
 * through unlimited (logged): quotas protect capacity, they do not guard data.
 *
 * Units come from `RateLimitLeases`: under load a process takes a few units of the same
 * limits per round trip and hands them out itself (never more than the limits allow; a
 * client may be refused slightly early when several processes hold leases). With light
 * traffic every request is its own round trip, exactly as `limitAll`.
 *
 * `scale` multiplies every limit and burst (API_RATE_LIMIT_SCALE; load tests only); `plans`
 * and `credentials` replace the tables above (tests).
 */
export interface ApiRateLimitOptions {
  scale?: number;
  plans?: Readonly<Record<string, RateLimitPolicy>>;
  credentials?: Readonly<Record<string, RateLimitPolicy>>;
}

export interface ApiLimits {
  /** Key prefix of the limit entries (as limitAll takes it). */
  prefix: string;
  /** Where this process takes its units from. */
  leases: RateLimitLeases;
  /** The limits one request of this tenant, sent with this credential, is counted against. */
  entriesFor(tenant: Pick<TenantRecord, 'id' | 'plan'>, credential: string): ApiLimitEntry[];
}

export function apiLimits(
  deps: Pick<ApiDeps, 'keyPrefix' | 'redis'>,
  {
    scale = 1,
    plans: planTable = API_PLAN_LIMITS,
    credentials: credentialTable = API_CREDENTIAL_LIMITS,
  }: ApiRateLimitOptions = {},
): ApiLimits {
  const scaled = (p: RateLimitPolicy): RateLimitPolicy =>
    scale === 1
      ? p
      : {
          limit: Math.max(1, Math.round(p.limit * scale)),
          windowSeconds: p.windowSeconds,
          burst: Math.max(1, Math.round((p.burst ?? p.limit) * scale)),
        };
  const plans = new Map(Object.entries(planTable).map(([k, p]) => [k, scaled(p)]));
  const credentials = new Map(Object.entries(credentialTable).map(([k, p]) => [k, scaled(p)]));
  if (!plans.has('free')) throw new RangeError('the plan table needs a free plan');
  const freePlan = plans.get('free') as RateLimitPolicy;
  const prefix = `${deps.keyPrefix}rl:`;
  return {
    prefix,
    leases: new RateLimitLeases(deps.redis, prefix),
    entriesFor(tenant, credential) {
      const credentialPolicy = credentials.get(credential.slice(0, credential.indexOf(':')));
      // The tenant id as a hash tag: every key lands in one Redis Cluster slot, as a script
      // needs (the identity keys authenticate reads alongside carry the same tag).
      const entries: ApiLimitEntry[] = [
        { name: 'tenant', key: `api:{${tenant.id}}`, policy: plans.get(tenant.plan) ?? freePlan },
      ];
      if (credentialPolicy) {
        entries.push({
          name: 'credential',
          key: `api:{${tenant.id}}:${credential}`,
          policy: credentialPolicy,
        });
      }
      return entries;
    },
  };
}

export function apiRateLimit(
  deps: Pick<ApiDeps, 'redis' | 'keyPrefix'>,
  limits: ApiLimits | ApiRateLimitOptions = {},
): MiddlewareHandler {
  const table = 'entriesFor' in limits ? limits : apiLimits(deps, limits);
  return async function apiRateLimit(c, next) {
    await chargeApiRateLimit(c, table);
    await next();
  };
}

/**
 * `apiRateLimit`'s check, for a middleware that runs several (apiGuard): charges the
 * principal's request, sets the headers on the context (so every response built after it
 * carries them, error responses included) or throws the 429 problem.
 */
export async function chargeApiRateLimit(c: Context, table: ApiLimits): Promise<void> {
  const principal = c.get('principal');
  if (!principal) return;
  const credential = credentialKey(principal);
  const entries = table.entriesFor(c.get('tenant'), credential);
  let results: RateLimitResult[];
  try {
    results = table.leases.tryTake(entries) ?? (await table.leases.take(entries));
  } catch (err) {
    c.get('logger')?.warn({ err }, 'api rate limiter unavailable; request allowed unchecked');
    return;
  }
  const worst = tightest(results);
  const entry = entries[worst] as ApiLimitEntry;
  const result = results[worst] as RateLimitResult;
  const headers = rateLimitHeaders(entry.name, entry.policy, result);
  if (!result.allowed) {
    throw new HttpProblem({
      status: 429,
      slug: 'rate-limited',
      detail: `Rate limit "${entry.name}" exceeded; retry in ${result.retryAfterSeconds} s.`,
      extensions: { policy: entry.name, retryAfterSeconds: result.retryAfterSeconds },
      headers: { ...headers, 'Retry-After': String(result.retryAfterSeconds) },
    });
  }
  c.header('RateLimit-Policy', headers['RateLimit-Policy']);
  c.header('RateLimit', headers.RateLimit);
}

/** Index of the result the headers describe: a refusal (longest wait), else fewest units left. */
function tightest(results: readonly RateLimitResult[]): number {
  let worst = 0;
  for (let i = 1; i < results.length; i++) {
    const a = results[i] as RateLimitResult;
    const b = results[worst] as RateLimitResult;
    const tighter =
      a.allowed !== b.allowed
        ? !a.allowed
        : !a.allowed
          ? a.retryAfterMs > b.retryAfterMs
          : a.remaining < b.remaining || (a.remaining === b.remaining && a.resetMs > b.resetMs);
    if (tighter) worst = i;
  }
  return worst;
}
