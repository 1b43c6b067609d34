import type { OpenAPIHono } from '@hono/zod-openapi';
import type { LoginLimits } from '../../auth/login-limits.ts';
import type { ApiDeps } from '../../deps.ts';
import * as login from './login.ts';
import * as logout from './logout.ts';
import * as sessions from './sessions.ts';

/** Registers /auth operations (sign-in, sign-out, own sessions) on `app` (mounted at /auth). */
export function registerAuthRoutes(app: OpenAPIHono, deps: ApiDeps, limits: LoginLimits): void {
  login.register(app, deps, limits);
  logout.register(app, deps);
  sessions.register(app, deps);
}
