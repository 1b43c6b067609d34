import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps } from '../../../deps.ts';
import * as create from './create.ts';
import * as remove from './delete.ts';
import * as disable from './disable.ts';
import * as enable from './enable.ts';
import * as get from './get.ts';
import * as list from './list.ts';
import * as test from './test.ts';
import * as update from './update.ts';

/** Registers /v1/sso/connections operations on `app` (mounted at /v1/sso/connections). */
export function registerSsoConnectionRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  for (const operation of [list, create, get, update, test, enable, disable, remove]) {
    operation.register(app, deps);
  }
}
