import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps } from '../../../deps.ts';
import * as get from './get.ts';
import * as update from './update.ts';

/** Registers /v1/sso/policy operations (mounted at /v1/sso/policy). */
export function registerSsoPolicyRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  for (const operation of [get, update]) operation.register(app, deps);
}
