import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { confirmTotpEnrolment } from '@tenantkit/identity';
import type { AccountLimits } from '../../../auth/account-limits.ts';
import { mfaContext } from '../../../auth/mfa-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { signedIn } from '../sessions.ts';
import { problem, RecoveryCodesSchema, signedInOnly } from './schemas.ts';

export const route = createRoute({
  method: 'post',
  path: '/mfa/totp/confirm',
  tags: ['auth'],
  summary: 'Confirm the pending authenticator with a code: enables MFA, returns recovery codes',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({
            code: z
              .string()
              .trim()
              .regex(/^[0-9]{6}$/),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Enabled',
      content: { 'application/json': { schema: RecoveryCodesSchema } },
    },
    ...signedInOnly,
    409: problem('No pending enrolment, or MFA already enabled'),
    429: problem('Too many attempts'),
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps, limits: AccountLimits): void {
  app.openapi(route, async (c) => {
    const principal = signedIn(c.get('principal'));
    const { code } = c.req.valid('json');
    await limits.check(c, 'mfa-manage', principal.id);
    const result = await confirmTotpEnrolment({
      ctx: mfaContext(c, deps),
      input: { userId: principal.id, code },
    });
    await limits.succeeded(c, 'mfa-manage', principal.id);
    return c.json(result, 200);
  });
}
