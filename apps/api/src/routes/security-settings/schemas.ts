import { z } from '@hono/zod-openapi';

export const SecuritySettingsSchema = z
  .object({
    mfaRequired: z.boolean().openapi({
      description:
        'Every member must use two-factor authentication; members without it can only enrol',
    }),
  })
  .openapi('SecuritySettings');
