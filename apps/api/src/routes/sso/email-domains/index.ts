import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps } from '../../../deps.ts';
import * as add from './add.ts';
import * as list from './list.ts';
import * as verify from './verify.ts';

/** Registers /v1/sso/email-domains operations (mounted at /v1/sso/email-domains). */
export function registerSsoEmailDomainRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  for (const operation of [list, add, verify]) operation.register(app, deps);
}
