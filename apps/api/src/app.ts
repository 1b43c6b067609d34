import { OpenAPIHono } from '@hono/zod-openapi';
import {
  bodyLimit,
  errorHandler,
  jsonBody,
  notFoundHandler,
  requestId,
  requestLogger,
  securityHeaders,
  validationHook,
} from '@tenantkit/http';
import { authenticate, requireAuth } from './auth/authenticate.ts';
import { sameOriginForBrowsers, sameOriginForCookies } from './auth/csrf.ts';
import { loginLimits } from './auth/login-limits.ts';
import type { ApiDeps } from './deps.ts';
import { apiRateLimit } from './middleware/api-rate-limit.ts';
import { resolveTenant } from './middleware/tenant.ts';
import * as auditList from './routes/audit/list.ts';
import { registerAuthRoutes } from './routes/auth/index.ts';
import { registerPages } from './routes/pages/index.tsx';
import { registerProjectRoutes } from './routes/projects/index.ts';
import { registerDocsRoutes } from './routes/system/docs.ts';
import { type Lifecycle, registerHealthRoutes } from './routes/system/health.ts';
import { registerTaskRoutes } from './routes/tasks/index.ts';

/**
 * The tenant-facing API. Everything except the health probes runs for exactly one tenant,
 * the one the request's host resolves to.
 */
export function createApp(deps: ApiDeps, lifecycle: Lifecycle = { draining: false }): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.onError(errorHandler({ logger: deps.logger }));
  app.notFound(notFoundHandler());
  app.use(requestId(), requestLogger({ logger: deps.logger }), securityHeaders());

  registerHealthRoutes(app, deps, lifecycle);

  const tenantScope = resolveTenant({
    resolver: deps.resolver,
    trustedProxies: deps.trustedProxies,
  });
  app.use('/docs', tenantScope);
  app.use('/docs/*', tenantScope);
  app.use('/openapi.json', tenantScope);
  app.use(
    '/v1/*',
    tenantScope,
    bodyLimit({ maxBytes: deps.bodyLimitBytes }),
    jsonBody(),
    authenticate(deps),
    requireAuth(),
    apiRateLimit(deps, { scale: deps.apiRateLimitScale }),
    sameOriginForCookies(),
  );

  // Sign-in, sign-out and the member's own sessions: a session is optional here (signing in
  // is how one gets it); browser posts must come from the tenant's own pages.
  const limits = loginLimits(deps);
  for (const path of ['/auth/*', '/login', '/logout', '/account', '/account/*']) {
    app.use(
      path,
      tenantScope,
      bodyLimit({ maxBytes: 16_384 }),
      authenticate(deps),
      sameOriginForBrowsers(),
      sameOriginForCookies(),
    );
  }
  const auth = new OpenAPIHono({ defaultHook: validationHook });
  registerAuthRoutes(auth, deps, limits);
  app.route('/auth', auth);
  registerPages(app, deps, limits);

  const projects = new OpenAPIHono({ defaultHook: validationHook });
  registerProjectRoutes(projects, deps);
  registerTaskRoutes(projects, deps);
  app.route('/v1/projects', projects);

  const audit = new OpenAPIHono({ defaultHook: validationHook });
  auditList.register(audit, deps);
  app.route('/v1/audit-events', audit);

  registerDocsRoutes(app);
  return app;
}
