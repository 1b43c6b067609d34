import { z } from '@hono/zod-openapi';

export const SsoPolicySchema = z
  .object({
    ssoRequired: z.boolean().openapi({
      description:
        'Members whose email domain belongs to an enabled connection must sign in with SSO; owners keep an audited password path',
    }),
  })
  .openapi('SsoPolicy');
