import { describe, expect, it } from 'vitest';
import { ConfigError, loadOpsConfig } from '../src/index.ts';

describe('loadOpsConfig', () => {
  it('parses the domains, DNS resolvers, key ring and mail the worker needs', () => {
    const config = loadOpsConfig({
      DNS_RESOLVERS: '10.0.0.53, 10.0.0.54:5353',
      SMTP_URL: 'smtp://relay.test:587',
      DOMAIN_CNAME_TARGET: 'edge.example.test',
    });
    expect(config.dnsResolvers).toEqual(['10.0.0.53', '10.0.0.54:5353']);
    expect(config.mail.smtpUrl).toBe('smtp://relay.test:587');
    expect(config.domains.cnameTarget).toBe('edge.example.test');
    expect(loadOpsConfig({}).mail.smtpUrl).toBeNull();
  });

  it('reports every bad variable in one error', () => {
    let error: unknown;
    try {
      loadOpsConfig({
        WORKER_CONCURRENCY: 'many',
        SMTP_URL: 'http://relay.test',
        ACME_DIRECTORY_URL: 'https://acme.test/dir',
        SECRETS_KEYRING: 'k1:short',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).lines.map((line) => line.split(':')[0]);
    expect(names.sort()).toEqual(
      ['ACME_CONTACT_EMAIL', 'SECRETS_KEYRING', 'SMTP_URL', 'WORKER_CONCURRENCY'].sort(),
    );
  });
});
