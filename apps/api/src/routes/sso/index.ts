import { OpenAPIHono } from '@hono/zod-openapi';
import { validationHook } from '@tenantkit/http';
import { Hono } from 'hono';
import type { ApiDeps } from '../../deps.ts';
import { registerSsoConnectionRoutes } from './connections/index.ts';
import { registerSsoEmailDomainRoutes } from './email-domains/index.ts';
import { registerSsoFlowRoutes } from './flow/index.ts';
import { registerSsoPolicyRoutes } from './policy/index.ts';

/**
 * Enterprise SSO: admin routes under /v1/sso (behind the /v1 middleware) and the browser flow
 * under /auth/sso (behind the /auth middleware).
 */
export function registerSsoRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const mounts: Array<[string, (sub: OpenAPIHono, deps: ApiDeps) => void]> = [
    ['/v1/sso/connections', registerSsoConnectionRoutes],
    ['/v1/sso/email-domains', registerSsoEmailDomainRoutes],
    ['/v1/sso/policy', registerSsoPolicyRoutes],
  ];
  for (const [path, register] of mounts) {
    const sub = new OpenAPIHono({ defaultHook: validationHook });
    register(sub, deps);
    app.route(path, sub);
  }
  const flow = new Hono();
  registerSsoFlowRoutes(flow, deps);
  app.route('/auth/sso', flow);
}
