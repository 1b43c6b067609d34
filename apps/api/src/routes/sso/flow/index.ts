import type { Hono } from 'hono';
import type { ApiDeps } from '../../../deps.ts';
import * as callback from './callback.tsx';
import * as start from './start.tsx';

/** The browser side of SSO (mounted at /auth/sso): start, and the per-connection callback. */
export function registerSsoFlowRoutes(app: Hono, deps: ApiDeps): void {
  start.register(app, deps);
  callback.register(app, deps);
}
