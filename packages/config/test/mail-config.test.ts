import { describe, expect, it } from 'vitest';
import { loadApiConfig } from '../src/index.ts';

describe('mail configuration', () => {
  it('logs mail in development and never in production when SMTP_URL is unset', () => {
    expect(loadApiConfig({}).mail).toEqual({
      smtpUrl: null,
      from: 'Tenantkit <no-reply@tenantkit.localhost>',
      logWhenUnset: true,
    });
    const ring = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
    expect(loadApiConfig({ NODE_ENV: 'production', SECRETS_KEYRING: ring }).mail.logWhenUnset).toBe(
      false,
    );
  });

  it('takes an smtp:// or smtps:// relay and a From address', () => {
    const { mail } = loadApiConfig({
      SMTP_URL: 'smtps://user:pass@mail.example.com:465',
      MAIL_FROM: 'Acme <no-reply@acme.example>',
    });
    expect(mail).toMatchObject({
      smtpUrl: 'smtps://user:pass@mail.example.com:465',
      from: 'Acme <no-reply@acme.example>',
    });
  });

  it('refuses other schemes and a From with a line break', () => {
    expect(() => loadApiConfig({ SMTP_URL: 'http://mail.example.com' })).toThrow(/SMTP_URL/);
    expect(() => loadApiConfig({ MAIL_FROM: 'a@b.c\r\nBcc: x@evil.example' })).toThrow(/MAIL_FROM/);
  });
});
