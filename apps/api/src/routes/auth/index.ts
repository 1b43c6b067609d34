import type { OpenAPIHono } from '@hono/zod-openapi';
import { accountLimits } from '../../auth/account-limits.ts';
import type { LoginLimits } from '../../auth/login-limits.ts';
import type { ApiDeps } from '../../deps.ts';
import * as login from './login.ts';
import * as loginMfa from './login-mfa.ts';
import * as logout from './logout.ts';
import { registerMfaRoutes } from './mfa/index.ts';
import * as password from './password.ts';
import * as sessions from './sessions.ts';

/** Registers /auth operations (sign-in, sign-out, own sessions) on `app` (mounted at /auth). */
export function registerAuthRoutes(app: OpenAPIHono, deps: ApiDeps, limits: LoginLimits): void {
  login.register(app, deps, limits);
  logout.register(app, deps);
  sessions.register(app, deps);
  const guesses = accountLimits(deps);
  loginMfa.register(app, deps, guesses);
  registerMfaRoutes(app, deps, guesses);
  password.register(app, deps, guesses);
}
