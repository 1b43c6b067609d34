import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps } from '../../deps.ts';
import * as create from './create.ts';
import * as remove from './delete.ts';
import * as list from './list.ts';

/** Registers /v1/role-bindings operations on `app` (mounted at /v1/role-bindings). */
export function registerRoleBindingRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  for (const operation of [list, create, remove]) operation.register(app, deps);
}
