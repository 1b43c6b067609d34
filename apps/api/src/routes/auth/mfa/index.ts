import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AccountLimits } from '../../../auth/account-limits.ts';
import type { ApiDeps } from '../../../deps.ts';
import * as confirm from './confirm.ts';
import * as disable from './disable.ts';
import * as recoveryCodes from './recovery-codes.ts';
import * as start from './start.ts';
import * as status from './status.ts';

/** The signed-in member's own second factor, under /auth/mfa (allowed to restricted sessions). */
export function registerMfaRoutes(app: OpenAPIHono, deps: ApiDeps, limits: AccountLimits): void {
  status.register(app, deps);
  start.register(app, deps);
  confirm.register(app, deps, limits);
  disable.register(app, deps, limits);
  recoveryCodes.register(app, deps, limits);
}
