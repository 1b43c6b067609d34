import { startTestSmtpServer, type TestSmtpServer } from '@tenantkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailUnavailableError } from './errors.ts';
import { createSmtpSender } from './smtp.ts';

let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
});
afterAll(async () => {
  await smtp?.close();
});

describe('createSmtpSender', () => {
  it('delivers text and html through a real SMTP server', async () => {
    const mail = createSmtpSender({ url: smtp.url, from: 'Tenantkit <no-reply@tenantkit.test>' });
    const link = `https://acme.tenantkit.localhost/invitations/accept?token=${'x'.repeat(120)}`;
    await mail.send({
      to: 'ada@acme.test',
      subject: 'Line\r\nBcc: eve@evil.test',
      text: `Follow ${link}`,
      html: '<p>hi</p>',
    });
    await mail.close();
    const received = await smtp.waitForMessage('ada@acme.test');
    expect(received.from).toBe('no-reply@tenantkit.test');
    expect(received.to).toEqual(['ada@acme.test']);
    // A long link survives transfer encoding intact, and a line break cannot add a header.
    expect(received.text).toContain(link);
    expect(received.html).toContain('<p>hi</p>');
    expect(smtp.messagesTo('eve@evil.test')).toHaveLength(0);
  });

  it('fails with MailUnavailableError when the relay is unreachable', async () => {
    const closed = await startTestSmtpServer();
    const url = closed.url;
    await closed.close();
    const mail = createSmtpSender({ url, from: 'no-reply@tenantkit.test', timeoutMs: 2_000 });
    await expect(mail.send({ to: 'a@b.test', subject: 's', text: 't' })).rejects.toBeInstanceOf(
      MailUnavailableError,
    );
    await mail.close();
  });
});
