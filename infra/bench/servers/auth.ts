/**
 * The server of `pnpm bench auth`: the api's own app (createApp, every middleware) and, in the
 * same process and on the same port, the same task routes mounted at /bench-anon/projects
 * behind the same middleware minus authentication: a fixed principal that may read projects
 * stands in for apiGuard (authentication, rate limits, CSRF, MFA gate). The difference
 * between the two is what authenticating a request costs.
 *
 * Env: as servers/api.ts (loadApiConfig, BENCH_KEY_PREFIX).
 */

import { serve } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import { createApp, startApi } from '@tenantkit/api';
import { loadApiConfig } from '@tenantkit/config';
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
import { parsePermissions } from '@tenantkit/identity';
import type { MiddlewareHandler } from 'hono';
import type { ApiDeps } from '../../../apps/api/src/deps.ts';
import { resolveTenant } from '../../../apps/api/src/middleware/tenant.ts';
import { registerTaskRoutes } from '../../../apps/api/src/routes/tasks/index.ts';
import { ANONYMOUS_BASE } from '../auth/variants.ts';
import { announceReady } from './lifecycle.ts';

const keyPrefix = process.env.BENCH_KEY_PREFIX;
if (!keyPrefix) throw new Error('BENCH_KEY_PREFIX is required');

// The api exactly as servers/api.ts starts it; its own port stays idle, and this process
// serves a second app built on the same deps (pools, Redis, resolver) on the announced one.
const api = await startApi({ config: loadApiConfig(process.env), keyPrefix });
const { deps } = api;
const full = createApp(deps);
const anonymous = anonymousApp(deps);

/** createApp's /v1 chain with a fixed reader in place of apiGuard. */
function anonymousApp(deps: ApiDeps): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.onError(errorHandler({ logger: deps.logger }));
  app.notFound(notFoundHandler());
  app.use(requestId(), requestLogger({ logger: deps.logger }), securityHeaders());
  const reader = {
    type: 'user' as const,
    id: '00000000-0000-7000-8000-000000000000',
    via: 'session' as const,
    sessionId: 'bench',
    permissions: new Set(parsePermissions(['projects:read'])),
  };
  const fixedReader: MiddlewareHandler = async (c, next) => {
    c.set('principal', reader);
    await next();
  };
  app.use(
    `${ANONYMOUS_BASE}/*`,
    resolveTenant({ resolver: deps.resolver, trustedProxies: deps.trustedProxies }),
    bodyLimit({ maxBytes: deps.bodyLimitBytes }),
    jsonBody(),
    fixedReader,
  );
  const projects = new OpenAPIHono({ defaultHook: validationHook });
  registerTaskRoutes(projects, deps);
  app.route(`${ANONYMOUS_BASE}/projects`, projects);
  return app;
}

const server = serve({
  fetch: (request, env) =>
    request.url.includes(`${ANONYMOUS_BASE}/`)
      ? anonymous.fetch(request, env)
      : full.fetch(request, env),
  port: 0,
  hostname: '127.0.0.1',
});
server.once('listening', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  announceReady(`http://127.0.0.1:${port}`, async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
    const { redis } = deps;
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${keyPrefix}*`, count: 1000 })) {
      keys.push(...(batch as string[]));
    }
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    await api.close();
  });
});
