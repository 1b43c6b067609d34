/**
 * RateLimit-Policy and RateLimit header fields as Structured Field lists, per
 * draft-ietf-httpapi-ratelimit-headers-11 (May 2026):
 *
 * ```
 * RateLimit-Policy: "login-ip";q=10;w=60
 * RateLimit: "login-ip";r=7;t=18
 * ```
 *
 * `q` is the policy's `limit`, `w` its window in seconds. `r` is the quota available now. `t` is
 * the seconds until the entity is fully replenished when allowed, and equals Retry-After when
 * denied: the draft (section 6) says Retry-After must not point earlier than the end of the
 * effective window. A `burst` that differs from `limit` is sent as the vendor parameter
 * `tk-burst`, since `r` can then exceed `q` (or never reach it).
 */
import type { RateLimitPolicy, RateLimitResult } from './limiter.ts';

/** Policy names become SF strings; this subset needs no escaping and reads well in logs. */
export const POLICY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const rateLimitHeaders = (
  name: string,
  policy: RateLimitPolicy,
  result: RateLimitResult,
): Record<string, string> => {
  const t = result.allowed ? result.resetSeconds : result.retryAfterSeconds;
  return {
    'RateLimit-Policy': policyField(name, policy),
    RateLimit: `"${name}";r=${result.remaining};t=${t}`,
  };
};

// The policy field depends only on the (long-lived) policy object and the name: built once.
const policyFields = new WeakMap<RateLimitPolicy, Map<string, string>>();

function policyField(name: string, policy: RateLimitPolicy): string {
  let byName = policyFields.get(policy);
  if (!byName) {
    byName = new Map();
    policyFields.set(policy, byName);
  }
  let field = byName.get(name);
  if (field === undefined) {
    const burst = policy.burst ?? policy.limit;
    const burstParam = burst === policy.limit ? '' : `;tk-burst=${burst}`;
    field = `"${name}";q=${policy.limit};w=${policy.windowSeconds}${burstParam}`;
    byName.set(name, field);
  }
  return field;
}
