import type { MailSender } from '@tenantkit/lifecycle';

/**
 * Until an SMTP transport is configured (packages/mail, built in parallel), mail goes to the
 * process log on development machines so the demo's invitation links can be followed.
 * Production refuses it: invitation links carry a bearer secret and never belong in logs.
 */
export function developmentMail(
  log: (line: string) => void,
  env: string | undefined = process.env.NODE_ENV,
): MailSender {
  return {
    async send(message) {
      if (env === 'production') throw new Error('no mail transport is configured');
      log(`mail to ${message.to}: ${message.subject}\n${message.text}`);
    },
  };
}
