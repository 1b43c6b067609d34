import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import { OpenAPIHono } from '@hono/zod-openapi';
import {
  bodyLimit,
  errorHandler,
  HttpProblem,
  jsonBody,
  notFoundHandler,
  requestId,
  requestLogger,
  securityHeaders,
  validationHook,
} from '@tenantkit/http';
import { requestHost } from '@tenantkit/tenancy';
import { QUEUE_NAMES } from '@tenantkit/worker';
import type { MiddlewareHandler } from 'hono';
import { type OpsVariables, requireOperator, sameOrigin } from './auth/operator-session.ts';
import type { OpsDeps } from './deps.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerJobRoutes } from './routes/jobs.ts';
import { registerTenantRoutes } from './routes/tenants.ts';

/**
 * The platform-operator API: its own host (`ops.<PLATFORM_DOMAIN>`), its own realm (operators,
 * argon2id + TOTP, its own cookie), the tenant lifecycle actions, and Bull Board at /queues.
 * No tenant host ever reaches it, and no tenant credential is ever accepted by it.
 */
export function createApp(deps: OpsDeps): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.onError(errorHandler({ logger: deps.logger }));
  app.notFound(notFoundHandler());
  app.use(requestId(), requestLogger({ logger: deps.logger }), securityHeaders());
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.use('*', onlyOpsHost(deps));

  app.use('/auth/*', bodyLimit({ maxBytes: 16_384 }), jsonBody(), sameOrigin(deps.opsHost));
  registerAuthRoutes(app, deps);

  const operatorOnly = requireOperator(deps.admin);
  // Authentication first: a caller without an operator session learns nothing else. Writes must
  // be JSON, which a cross-site form cannot send without a CORS preflight.
  app.use(
    '/v1/*',
    operatorOnly,
    sameOrigin(deps.opsHost),
    bodyLimit({ maxBytes: 65_536 }),
    jsonBody(),
  );
  const tenants = new OpenAPIHono<{ Variables: OpsVariables }>({ defaultHook: validationHook });
  registerTenantRoutes(tenants, deps);
  app.route('/v1/tenants', tenants);
  const jobs = new OpenAPIHono<{ Variables: OpsVariables }>({ defaultHook: validationHook });
  registerJobRoutes(jobs, deps);
  app.route('/v1/jobs', jobs);

  app.use('/queues', operatorOnly, sameOrigin(deps.opsHost));
  app.use('/queues/*', operatorOnly, sameOrigin(deps.opsHost));
  const board = new HonoAdapter(serveStatic).setBasePath('/queues');
  createBullBoard({
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(deps.jobs.queue(name))),
    serverAdapter: board,
  });
  app.route('/queues', board.registerPlugin());

  app.doc31('/openapi.json', { openapi: '3.1.0', info: { title: 'Tenantkit ops', version: '1' } });
  return app;
}

/** Every route but /healthz answers on the ops host only; other hosts learn nothing. */
function onlyOpsHost(deps: OpsDeps): MiddlewareHandler {
  return async function onlyOpsHost(c, next) {
    let remoteAddress: string | undefined;
    try {
      remoteAddress = getConnInfo(c).remote.address;
    } catch {
      remoteAddress = undefined; // app.request() in tests has no socket
    }
    const host = requestHost(
      {
        host: c.req.header('host'),
        forwardedHost: c.req.header('x-forwarded-host'),
        remoteAddress,
      },
      deps.trustedProxies,
    );
    if (host !== deps.opsHost) throw new HttpProblem({ status: 404, slug: 'not-found' });
    await next();
  };
}
