import { describe, expect, it } from 'vitest';
import { loadApiConfig } from '../src/index.ts';

describe('custom domain and TLS configuration', () => {
  it('is off by default: no HTTPS listener, no ACME', () => {
    const { domains } = loadApiConfig({});
    expect(domains.httpsPort).toBeUndefined();
    expect(domains.acme).toBeUndefined();
    expect(domains.apexAddresses).toEqual([]);
    expect(domains.verifyWindowMs).toBe(72 * 3_600_000);
  });

  it('needs the platform certificate when HTTPS is on, and a contact with ACME', () => {
    expect(() => loadApiConfig({ HTTPS_PORT: '8443' })).toThrow(/TLS_CERT_FILE: HTTPS_PORT needs/);
    expect(() => loadApiConfig({ ACME_DIRECTORY_URL: 'https://ca.example/dir' })).toThrow(
      /ACME_CONTACT_EMAIL: is required/,
    );
  });

  it('parses a full set', () => {
    const { domains } = loadApiConfig({
      HTTPS_PORT: '8443',
      TLS_CERT_FILE: '/etc/tls/cert.pem',
      TLS_KEY_FILE: '/etc/tls/key.pem',
      DOMAIN_CNAME_TARGET: 'edge.tenantkit.example',
      DOMAIN_APEX_ADDRESSES: '192.0.2.1, 192.0.2.2',
      DOMAIN_VERIFY_WINDOW_HOURS: '24',
      ACME_DIRECTORY_URL: 'https://ca.example/dir',
      ACME_CONTACT_EMAIL: 'certs@tenantkit.example',
    });
    expect(domains).toMatchObject({
      httpsPort: 8443,
      cnameTarget: 'edge.tenantkit.example',
      apexAddresses: ['192.0.2.1', '192.0.2.2'],
      verifyWindowMs: 24 * 3_600_000,
      acme: { directoryUrl: 'https://ca.example/dir', contactEmail: 'certs@tenantkit.example' },
    });
  });
});
