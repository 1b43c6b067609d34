import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { regenerateRecoveryCodes } from '@tenantkit/identity';
import type { AccountLimits } from '../../../auth/account-limits.ts';
import { mfaContext } from '../../../auth/mfa-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { signedIn } from '../sessions.ts';
import {
  problem,
  ReauthenticationBody,
  RecoveryCodesSchema,
  signedInOnly,
  toProof,
} from './schemas.ts';

export const route = createRoute({
  method: 'post',
  path: '/mfa/recovery-codes',
  tags: ['auth'],
  summary: 'Replace all recovery codes (needs the password or a current code)',
  request: {
    body: { required: true, content: { 'application/json': { schema: ReauthenticationBody } } },
  },
  responses: {
    200: {
      description: 'The new codes; every earlier code stops working',
      content: { 'application/json': { schema: RecoveryCodesSchema } },
    },
    ...signedInOnly,
    403: problem('The password or code is wrong (reauthentication-failed)'),
    409: problem('MFA is not enabled'),
    429: problem('Too many attempts'),
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps, limits: AccountLimits): void {
  app.openapi(route, async (c) => {
    const principal = signedIn(c.get('principal'));
    const body = c.req.valid('json');
    await limits.check(c, 'mfa-manage', principal.id);
    const result = await regenerateRecoveryCodes({
      ctx: mfaContext(c, deps),
      input: { userId: principal.id, proof: toProof(body) },
    });
    await limits.succeeded(c, 'mfa-manage', principal.id);
    return c.json(result, 200);
  });
}
