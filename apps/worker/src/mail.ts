import type { MailConfig } from '@tenantkit/config';
import type { MailSender } from '@tenantkit/lifecycle';
import { createSmtpSender } from '@tenantkit/mail';
import { developmentMail } from './dev-mail.ts';

/** A sender the process closes on shutdown (the SMTP one holds a connection pool). */
export type ProcessMailSender = MailSender & { close(): Promise<void> };

/**
 * The worker's and ops app's mail, chosen as the api chooses: the SMTP relay when `SMTP_URL`
 * is set; otherwise the development sender, which logs outside production and refuses in it.
 */
export function configuredMail(config: MailConfig, log: (line: string) => void): ProcessMailSender {
  if (config.smtpUrl) return createSmtpSender({ url: config.smtpUrl, from: config.from });
  return { ...developmentMail(log), close: async () => {} };
}
