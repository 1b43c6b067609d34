import { createTransport } from 'nodemailer';
import { MailUnavailableError } from './errors.ts';
import type { MailMessage, MailSender } from './sender.ts';

export interface SmtpSenderOptions {
  /** `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://` (TLS from the start). */
  url: string;
  /** The From header, e.g. `Tenantkit <no-reply@tenantkit.example>`. */
  from: string;
  /** Give up on an unresponsive relay after this long, so a request never hangs on mail. */
  timeoutMs?: number;
}

/**
 * Sends through an SMTP relay with a small connection pool. The message fields are passed to
 * nodemailer as structured values, which encodes headers itself, so a tenant name or address
 * with a line break cannot inject headers.
 *
 * @example
 * const mail = createSmtpSender({ url: config.mail.smtpUrl, from: config.mail.from });
 * await mail.send({ to, subject: 'You are invited', text });
 */
export function createSmtpSender({ url, from, timeoutMs = 10_000 }: SmtpSenderOptions): MailSender {
  const transport = createTransport({
    url,
    pool: true,
    maxConnections: 2,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  } as Parameters<typeof createTransport>[0]);
  return {
    async send(message: MailMessage) {
      try {
        await transport.sendMail({
          from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html === undefined ? {} : { html: message.html }),
        });
      } catch (cause) {
        throw new MailUnavailableError({ cause });
      }
    },
    async close() {
      transport.close();
    },
  };
}
