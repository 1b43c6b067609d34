import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps } from '../../deps.ts';
import * as create from './create.ts';
import * as remove from './delete.ts';
import * as get from './get.ts';
import * as list from './list.ts';
import * as verify from './verify.ts';

/** Registers /v1/domains operations on `app` (mounted at /v1/domains). */
export function registerDomainRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  for (const operation of [list, create, get, verify, remove]) operation.register(app, deps);
}
