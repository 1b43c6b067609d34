export { MailUnavailableError } from './errors.ts';
export { createLogSender, createUnavailableSender } from './log.ts';
export type { MailMessage, MailSender } from './sender.ts';
export { createSmtpSender, type SmtpSenderOptions } from './smtp.ts';
