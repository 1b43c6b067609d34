import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit, validationHook } from '@tenantkit/http';
import type { MiddlewareHandler } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { registerApiKeyRoutes } from './api-keys/index.ts';
import { documentOAuthRoutes } from './oauth/docs.ts';
import { registerTokenRoute } from './oauth/token.ts';
import { registerServiceClientRoutes } from './service-clients/index.ts';
import { registerJwksRoute } from './well-known/jwks.ts';

/**
 * Machine credentials: /v1/api-keys and /v1/service-clients (behind the /v1 middleware that
 * createApp installs), and the tenant's OAuth endpoints, which take no session or bearer
 * credential: `POST /oauth/token` authenticates the client itself, the JWKS is public.
 */
export function registerMachineRoutes(
  app: OpenAPIHono,
  deps: ApiDeps,
  tenantScope: MiddlewareHandler,
): void {
  const apiKeys = new OpenAPIHono({ defaultHook: validationHook });
  registerApiKeyRoutes(apiKeys, deps);
  app.route('/v1/api-keys', apiKeys);

  const serviceClients = new OpenAPIHono({ defaultHook: validationHook });
  registerServiceClientRoutes(serviceClients, deps);
  app.route('/v1/service-clients', serviceClients);

  app.use('/oauth/*', tenantScope, bodyLimit({ maxBytes: 16_384 }));
  const oauth = new OpenAPIHono({ defaultHook: validationHook });
  registerTokenRoute(oauth, deps);
  app.route('/oauth', oauth);

  app.use('/.well-known/jwks.json', tenantScope);
  registerJwksRoute(app, deps);
  documentOAuthRoutes(app);
}
