import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps } from '../../deps.ts';
import * as get from './get.ts';
import * as update from './update.ts';

/** The tenant's security policy, mounted at /v1/security-settings. */
export function registerSecuritySettingsRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  get.register(app, deps);
  update.register(app, deps);
}
