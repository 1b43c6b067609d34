import type { OpsConfig } from '@tenantkit/config';
import type { Database } from '@tenantkit/db';
import { createDomainsDeps, type DomainsDeps } from '@tenantkit/domains';
import { decryptSecret, encryptSecret, parseKeyRing } from '@tenantkit/identity';
import type { Redis } from 'ioredis';

/**
 * The domain jobs' dependencies from the ops configuration. Certificate keys are sealed under
 * `SECRETS_KEYRING`, the same ring the api reads them with (apps/api's `keyRingCipher`).
 */
export function domainsDepsFromConfig(
  config: OpsConfig,
  { app, redis }: { app: Database; redis: Redis },
): DomainsDeps {
  const keyRing = parseKeyRing(config.secretsKeyRing);
  return createDomainsDeps({
    config: config.domains,
    platformDomain: config.db.platformDomain,
    dnsServers: config.dnsResolvers,
    db: app,
    redis,
    keyPrefix: config.redisKeyPrefix,
    secrets: {
      encrypt: (plaintext, aad) => encryptSecret(keyRing, plaintext, aad),
      decrypt: (blob, aad) => Buffer.from(decryptSecret(keyRing, blob, aad)).toString('utf8'),
    },
  });
}
