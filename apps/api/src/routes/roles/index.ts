import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps } from '../../deps.ts';
import * as create from './create.ts';
import * as remove from './delete.ts';
import * as get from './get.ts';
import * as list from './list.ts';
import * as update from './update.ts';

/** Registers /v1/roles operations on `app` (mounted at /v1/roles). */
export function registerRoleRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  for (const operation of [list, create, get, update, remove]) operation.register(app, deps);
}
