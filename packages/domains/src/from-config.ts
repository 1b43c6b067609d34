import { readFileSync } from 'node:fs';
import type { DomainsConfig } from '@tenantkit/config';
import type { Database } from '@tenantkit/db';
import type { Redis } from 'ioredis';
import { type DomainsDeps, defaultDomainPolicy, type SecretCipher } from './deps.ts';
import { createDnsResolver } from './ownership/resolver.ts';
import type { DnsProvider } from './providers/types.ts';

/**
 * The processors' dependencies from the parsed configuration (`loadApiConfig(env).domains`),
 * for the worker that registers verify/issue/renew/reverify. The cipher wraps the process's
 * key ring (`encryptSecret`/`decryptSecret` of packages/identity); a DNS provider, when given,
 * switches ACME to DNS-01.
 */
export function createDomainsDeps({
  config,
  platformDomain,
  dnsServers,
  db,
  redis,
  keyPrefix,
  secrets,
  dnsProvider,
}: {
  config: DomainsConfig;
  platformDomain: string;
  dnsServers: readonly string[];
  db: Database;
  redis: Redis;
  keyPrefix: string;
  secrets: SecretCipher;
  dnsProvider?: DnsProvider;
}): DomainsDeps {
  const acme = config.acme;
  return {
    db,
    redis,
    keyPrefix,
    secrets,
    dns: createDnsResolver(dnsServers),
    routing: {
      cname: config.cnameTarget ?? `custom.${platformDomain}`,
      addresses: config.apexAddresses,
    },
    policy: { ...defaultDomainPolicy, verifyWindowMs: config.verifyWindowMs },
    ...(acme
      ? {
          acme: {
            directoryUrl: acme.directoryUrl,
            contactEmail: acme.contactEmail,
            ...(acme.caBundleFile ? { caBundlePem: readFileSync(acme.caBundleFile, 'utf8') } : {}),
            challenge: dnsProvider ? ('dns-01' as const) : ('http-01' as const),
            ...(dnsProvider ? { dnsProvider } : {}),
          },
        }
      : {}),
  };
}
