import type { Redis } from 'ioredis';
import { NearCache } from './near-cache.ts';

/**
 * The near cache of a process serving requests: tracks every per-tenant key (`t:{<tenant>}:`,
 * sessions, RBAC version, MFA policy, service-client revocations and the rest of a tenant's
 * identity keys), so a write to any of them on any process drops this process's copy.
 *
 * @example
 * const identityCache = createIdentityCache({ redis, keyPrefix: 'tk:' });
 * await identityCache.start();
 */
export function createIdentityCache({
  redis,
  keyPrefix,
  maxEntries,
  onWarning,
}: {
  redis: Redis;
  keyPrefix: string;
  maxEntries?: number;
  onWarning?: (message: string, err?: unknown) => void;
}): NearCache {
  return new NearCache({
    redis,
    prefixes: [`${keyPrefix}t:{`],
    ...(maxEntries === undefined ? {} : { maxEntries }),
    ...(onWarning ? { onWarning } : {}),
  });
}
