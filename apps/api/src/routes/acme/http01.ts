import type { OpenAPIHono } from '@hono/zod-openapi';
import { readHttp01Answer } from '@tenantkit/domains';
import type { ApiDeps } from '../../deps.ts';

/**
 * `GET /.well-known/acme-challenge/<token>` for the CA's HTTP-01 validation. It runs before
 * any tenant is resolved (the hostname is only `verified`, not yet served) and answers from
 * Redis, so any instance behind the load balancer can answer. Unknown tokens get a plain 404.
 */
export function registerAcmeChallengeRoute(app: OpenAPIHono, deps: ApiDeps): void {
  app.get('/.well-known/acme-challenge/:token', async (c) => {
    const answer = await readHttp01Answer(deps.redis, deps.keyPrefix, c.req.param('token'));
    if (answer === null) return c.text('not found', 404);
    return c.text(answer, 200);
  });
}
