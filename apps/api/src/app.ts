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
import { sameOriginForCookies } from './auth/csrf.ts';
import type { ApiDeps } from './deps.ts';
import { resolveTenant } from './middleware/tenant.ts';
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
    sameOriginForCookies(),
  );

  const projects = new OpenAPIHono({ defaultHook: validationHook });
  registerProjectRoutes(projects, deps);
  registerTaskRoutes(projects, deps);
  app.route('/v1/projects', projects);

  registerDocsRoutes(app);
  return app;
}
