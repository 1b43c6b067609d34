import { InvalidInputError } from '@tenantkit/db';
import { normalizeHost } from '@tenantkit/tenancy';

/**
 * A hostname a tenant may claim: a normal DNS name of at least two labels, no wildcard, no
 * underscore labels (`_tenantkit-challenge` is ours), and nothing on the platform's own
 * domain, where another tenant's subdomain lives.
 */
export function claimableHostname(raw: string, platformDomain: string): string {
  // A port is not part of a hostname; normalizeHost would strip it silently.
  const host = raw.includes(':') ? null : normalizeHost(raw);
  if (!host) throw new InvalidInputError('invalid-hostname', 'not a valid DNS hostname');
  const labels = host.split('.');
  if (labels.length < 2 || labels.some((l) => l.includes('_'))) {
    throw new InvalidInputError('invalid-hostname', 'a hostname needs at least two labels');
  }
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) {
    throw new InvalidInputError('invalid-hostname', 'IP addresses are not hostnames');
  }
  if (host === platformDomain || host.endsWith(`.${platformDomain}`)) {
    throw new InvalidInputError(
      'platform-hostname',
      `hostnames under ${platformDomain} belong to the platform`,
    );
  }
  return host;
}
