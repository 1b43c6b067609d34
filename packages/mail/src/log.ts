import { MailUnavailableError } from './errors.ts';
import type { MailMessage, MailSender } from './sender.ts';

interface InfoLogger {
  info(object: Record<string, unknown>, message: string): void;
}

/**
 * Development stand-in when no `SMTP_URL` is set: the message is written to the log so a
 * developer can follow an invitation link. Configuration refuses it in production, where a
 * log line holding a sign-up link would be a leaked credential.
 */
export function createLogSender({
  logger,
  from,
}: {
  logger: InfoLogger;
  from: string;
}): MailSender {
  return {
    async send(message: MailMessage) {
      logger.info(
        { mail: { from, to: message.to, subject: message.subject, text: message.text } },
        'mail (not sent: SMTP_URL is unset)',
      );
    },
    async close() {},
  };
}

/** Production without `SMTP_URL`: every send fails with a 503-mapped error, nothing is logged. */
export function createUnavailableSender(): MailSender {
  return {
    async send() {
      throw new MailUnavailableError();
    },
    async close() {},
  };
}
