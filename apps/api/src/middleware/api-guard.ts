import type { MiddlewareHandler } from 'hono';
import { assertAuthenticated, principalFinder } from '../auth/authenticate.ts';
import { assertSameOriginForCookies } from '../auth/csrf.ts';
import { assertMfaEnrolment } from '../auth/mfa-gate.ts';
import type { ApiDeps } from '../deps.ts';
import { type ApiLimits, chargeApiRateLimit } from './api-rate-limit.ts';

/**
 * Every check /v1 makes before a route runs, in order, as one middleware:
 * authenticate (bearer credential or session cookie), 401 without a credential, the /v1 rate
 * limits, same-origin for cookie-authenticated changes, and the MFA enrolment gate. It is the
 * chain `authenticate, requireAuth, apiRateLimit, sameOriginForCookies, requireMfaEnrolment`
 * with one layer of Hono's composition instead of five: each layer is an async frame and a
 * promise per request, about 0.6% of a /v1 read each (measured, ADR 0015).
 *
 * The rate-limit headers are set on the context before the later checks, so a 403 from them
 * carries the headers like any other response.
 */
export const apiGuard = (deps: ApiDeps, limits: ApiLimits): MiddlewareHandler => {
  const findPrincipal = principalFinder(deps, { bearer: true });
  return async function apiGuard(c, next) {
    await findPrincipal(c);
    assertAuthenticated(c);
    await chargeApiRateLimit(c, limits);
    assertSameOriginForCookies(c);
    await assertMfaEnrolment(c, deps);
    await next();
  };
};
