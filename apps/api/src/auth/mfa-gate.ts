import { HttpProblem } from '@tenantkit/http';
import { mfaEnrolmentRequired } from '@tenantkit/identity';
import type { Context, MiddlewareHandler } from 'hono';
import type { ApiDeps } from '../deps.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** The MFA policy as cached in Redis when authenticate read the session ('1', '0', null). */
    mfaPolicyCached: string | null;
  }
}

/**
 * Under the tenant's "MFA required" policy, a member signed in without MFA may only enrol:
 * every /v1 route answers 403 `mfa-enrolment-required` until they have (the enrolment routes
 * live under /auth/mfa and the account page, which this does not guard). Evaluated per request,
 * so switching the policy on restricts sessions that already exist.
 *
 * @example
 * app.use('/v1/*', authenticate(deps), requireAuth(), requireMfaEnrolment(deps));
 */
export const requireMfaEnrolment = (deps: ApiDeps): MiddlewareHandler =>
  async function requireMfaEnrolment(c, next) {
    await assertMfaEnrolment(c, deps);
    await next();
  };

/** `requireMfaEnrolment`'s check, for a middleware that runs several (apiGuard). */
export async function assertMfaEnrolment(c: Context, deps: ApiDeps): Promise<void> {
  const principal = c.get('principal');
  // '0' is the tenant's cached "MFA not required", read by authenticate with the session; any
  // other answer (required, or not cached) goes to the full check.
  if (principal?.via === 'session' && c.get('mfaPolicyCached') !== '0') {
    const store = { db: deps.db, redis: deps.redis, keyPrefix: deps.keyPrefix };
    if (await mfaEnrolmentRequired(store, c.get('tenant'), principal.id)) {
      throw new HttpProblem({
        status: 403,
        slug: 'mfa-enrolment-required',
        detail: 'This workspace requires two-factor authentication. Set it up on /account first.',
      });
    }
  }
}
