import { z } from 'zod';

/**
 * Outgoing mail (invitations). With `SMTP_URL` unset, development writes mail to the log (so
 * `up.sh` needs no relay); production never does, since a logged invitation link is a
 * credential in the logs: there, sending fails and invitations answer 503 until a relay is set.
 */
export const mailConfigSchema = z
  .object({
    NODE_ENV: z.string().optional(),
    SMTP_URL: z
      .string()
      .refine(
        (v) => /^smtps?:\/\//.test(v) && URL.canParse(v),
        'must be an smtp:// or smtps:// URL',
      )
      .optional(),
    MAIL_FROM: z
      .string()
      .min(3)
      .max(320)
      .refine(
        (v) => !/[\r\n]/.test(v) && v.includes('@'),
        'must be an address, optionally "Name <address>"',
      )
      .default('Tenantkit <no-reply@tenantkit.localhost>'),
  })
  .transform((env) => ({
    smtpUrl: env.SMTP_URL ?? null,
    from: env.MAIL_FROM,
    /** Whether mail may go to the log when `smtpUrl` is null (never in production). */
    logWhenUnset: env.NODE_ENV !== 'production',
  }));
export type MailConfig = z.output<typeof mailConfigSchema>;
