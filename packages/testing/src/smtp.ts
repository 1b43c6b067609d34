import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
}

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>` for `createSmtpSender`. */
  url: string;
  /** Every message received so far, parsed, in arrival order. */
  messages: ReceivedMail[];
  /** The messages addressed to `to` (case-insensitive). */
  messagesTo(to: string): ReceivedMail[];
  /** Resolves with the first message to `to`, waiting for it up to `timeoutMs`. */
  waitForMessage(to: string, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on a random loopback port that keeps what it receives, so tests read the
 * mail a feature sent and follow its links, through the same SMTP client production uses.
 * Plain SMTP without AUTH or STARTTLS: loopback only.
 */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : null,
          });
          for (const wake of waiters) wake();
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const messagesTo = (to: string) =>
    messages.filter((m) => m.to.some((address) => address.toLowerCase() === to.toLowerCase()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    messagesTo,
    waitForMessage(to, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messagesTo(to)[0];
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no mail to ${to} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
