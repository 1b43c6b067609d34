import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps } from '../../deps.ts';
import * as deactivate from './deactivate.ts';
import * as get from './get.ts';
import * as list from './list.ts';
import * as listSessions from './list-sessions.ts';
import * as reactivate from './reactivate.ts';
import * as revokeSession from './revoke-session.ts';
import * as revokeSessions from './revoke-sessions.ts';
import * as setRoles from './set-roles.ts';

/** Registers /v1/members operations on `app` (mounted at /v1/members). */
export function registerMemberRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  for (const operation of [
    list,
    get,
    setRoles,
    deactivate,
    reactivate,
    listSessions,
    revokeSessions,
    revokeSession,
  ])
    operation.register(app, deps);
}
