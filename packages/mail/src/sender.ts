/** One message to one recipient: the only shape Tenantkit sends (invitations, notices). */
export interface MailMessage {
  to: string;
  subject: string;
  /** Plain text, always present: the accessible version every client can show. */
  text: string;
  html?: string;
}

/**
 * What services and apps depend on, never a transport: tests build an SMTP sender against the
 * loopback server of `@tenantkit/testing`, production against `SMTP_URL`.
 */
export interface MailSender {
  /** Resolves once the relay accepted the message; rejects when it did not. */
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}
