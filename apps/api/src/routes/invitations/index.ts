import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps } from '../../deps.ts';
import * as create from './create.ts';
import * as list from './list.ts';
import * as revoke from './revoke.ts';

/** Registers /v1/invitations operations on `app` (mounted at /v1/invitations). */
export function registerInvitationRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  for (const operation of [list, create, revoke]) operation.register(app, deps);
}
