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
import { authenticate } from './auth/authenticate.ts';
import { sameOriginForBrowsers, sameOriginForCookies } from './auth/csrf.ts';
import { invitationLimits } from './auth/invitation-limits.ts';
import { loginLimits } from './auth/login-limits.ts';
import type { ApiDeps } from './deps.ts';
import { apiGuard } from './middleware/api-guard.ts';
import { apiLimits } from './middleware/api-rate-limit.ts';
import { resolveTenant } from './middleware/tenant.ts';
import { registerAcmeChallengeRoute } from './routes/acme/http01.ts';
import * as auditList from './routes/audit/list.ts';
import { registerAuthRoutes } from './routes/auth/index.ts';
import { registerDomainRoutes } from './routes/domains/index.ts';
import * as invitationAccept from './routes/invitation-accept/accept.ts';
import { registerInvitationPage } from './routes/invitation-accept/page.tsx';
import { registerInvitationRoutes } from './routes/invitations/index.ts';
import { registerMachineRoutes } from './routes/machines.ts';
import { registerMemberRoutes } from './routes/members/index.ts';
import { registerPages } from './routes/pages/index.tsx';
import { registerProjectRoutes } from './routes/projects/index.ts';
import { registerRoleBindingRoutes } from './routes/role-bindings/index.ts';
import { registerRoleRoutes } from './routes/roles/index.ts';
import { registerSecuritySettingsRoutes } from './routes/security-settings/index.ts';
import { registerSsoRoutes } from './routes/sso/index.ts';
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
  registerAcmeChallengeRoute(app, deps);

  const tenantScope = resolveTenant({
    resolver: deps.resolver,
    trustedProxies: deps.trustedProxies,
  });
  app.use('/docs', tenantScope);
  app.use('/docs/*', tenantScope);
  app.use('/openapi.json', tenantScope);
  const limits = apiLimits(deps, { scale: deps.apiRateLimitScale });
  app.use(
    '/v1/*',
    tenantScope,
    bodyLimit({ maxBytes: deps.bodyLimitBytes }),
    jsonBody(),
    apiGuard(deps, limits),
  );

  // Sign-in, sign-out and the member's own sessions: a session is optional here (signing in
  // is how one gets it); browser posts must come from the tenant's own pages.
  const signInLimits = loginLimits(deps);
  for (const path of [
    '/auth/*',
    '/login',
    '/login/*',
    '/logout',
    '/account',
    '/account/*',
    '/invitations/*',
  ]) {
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
  registerAuthRoutes(auth, deps, signInLimits);
  app.route('/auth', auth);
  registerPages(app, deps, signInLimits);

  // Accepting an invitation: anonymous, rate limited, same-origin for browsers like sign-in.
  const acceptLimits = invitationLimits(deps);
  const acceptJson = new OpenAPIHono({ defaultHook: validationHook });
  invitationAccept.register(acceptJson, deps, acceptLimits);
  app.route('/auth/invitations', acceptJson);
  registerInvitationPage(app, deps, acceptLimits);

  const projects = new OpenAPIHono({ defaultHook: validationHook });
  registerProjectRoutes(projects, deps);
  registerTaskRoutes(projects, deps);
  app.route('/v1/projects', projects);

  const audit = new OpenAPIHono({ defaultHook: validationHook });
  auditList.register(audit, deps);
  app.route('/v1/audit-events', audit);

  const securitySettings = new OpenAPIHono({ defaultHook: validationHook });
  registerSecuritySettingsRoutes(securitySettings, deps);
  app.route('/v1/security-settings', securitySettings);

  registerMachineRoutes(app, deps, tenantScope);

  for (const [path, register] of [
    ['/v1/members', registerMemberRoutes],
    ['/v1/invitations', registerInvitationRoutes],
    ['/v1/roles', registerRoleRoutes],
    ['/v1/role-bindings', registerRoleBindingRoutes],
  ] as const) {
    const admin = new OpenAPIHono({ defaultHook: validationHook });
    register(admin, deps);
    app.route(path, admin);
  }

  const domains = new OpenAPIHono({ defaultHook: validationHook });
  registerDomainRoutes(domains, deps);
  app.route('/v1/domains', domains);

  registerSsoRoutes(app, deps);

  registerDocsRoutes(app);
  return app;
}
