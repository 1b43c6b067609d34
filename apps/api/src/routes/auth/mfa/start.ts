import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { startTotpEnrolment } from '@tenantkit/identity';
import { mfaContext } from '../../../auth/mfa-context.ts';
import type { ApiDeps } from '../../../deps.ts';
import { signedIn } from '../sessions.ts';
import { problem, signedInOnly } from './schemas.ts';

export const route = createRoute({
  method: 'post',
  path: '/mfa/totp',
  tags: ['auth'],
  summary: 'Start setting up an authenticator app (a new pending secret)',
  responses: {
    200: {
      description: 'Add this secret to the app, then confirm with a code',
      content: {
        'application/json': {
          schema: z
            .object({
              secret: z.string().openapi({ description: 'Base32, for typing in by hand' }),
              uri: z.string().openapi({ example: 'otpauth://totp/Acme:ada%40acme.test?...' }),
            })
            .openapi('TotpSetup'),
        },
      },
    },
    ...signedInOnly,
    409: problem('MFA is already enabled'),
  },
});

export function register(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const principal = signedIn(c.get('principal'));
    const setup = await startTotpEnrolment({
      ctx: mfaContext(c, deps),
      input: { userId: principal.id },
    });
    return c.json(setup, 200);
  });
}
