import type { OpenAPIHono } from '@hono/zod-openapi';
import { jwks, loadPublishedKeys } from '@tenantkit/identity';
import type { ApiDeps } from '../../deps.ts';

/**
 * Verifiers cache the set this long. Safe because a rotated key is published a day before it
 * signs; a tenant's very first key signs at once, and verifiers refetch on an unknown kid.
 */
const JWKS_MAX_AGE_SECONDS = 300;

/** `GET /.well-known/jwks.json`: this tenant's public signing keys, and no other tenant's. */
export function registerJwksRoute(app: OpenAPIHono, deps: ApiDeps): void {
  app.get('/.well-known/jwks.json', async (c) => {
    const now = new Date();
    const keys = await loadPublishedKeys(deps.db, c.get('tenant'), now);
    return c.json(jwks(keys, now), 200, {
      'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
    });
  });
}
