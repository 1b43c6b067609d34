import {
  type DomainPolicy,
  type DomainServiceContext,
  defaultDomainPolicy,
  type RoutingTarget,
  type SecretCipher,
} from '@tenantkit/domains';
import { appendAuditEvent, decryptSecret, encryptSecret, type KeyRing } from '@tenantkit/identity';
import type { Context } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { auditActor } from '../middleware/client-address.ts';

/** Where customers point hostnames when the deployment configured nothing else. */
export const defaultRouting = (platformDomain: string): RoutingTarget => ({
  cname: `custom.${platformDomain}`,
  addresses: [],
});

export function domainRouting(deps: ApiDeps): RoutingTarget {
  return deps.domainRouting ?? defaultRouting(deps.platformDomain);
}

export function domainPolicy(deps: ApiDeps): DomainPolicy {
  return deps.domainPolicy ?? defaultDomainPolicy;
}

/** The domain services' context for this request; audit events share the change's transaction. */
export function domainServiceContext(c: Context, deps: ApiDeps): DomainServiceContext {
  const tenant = c.get('tenant');
  const actor = auditActor(c);
  return {
    db: deps.db,
    tenant,
    platformDomain: deps.platformDomain,
    policy: domainPolicy(deps),
    routing: domainRouting(deps),
    audit: async (tx, event) => {
      await appendAuditEvent(tx, tenant, actor, {
        action: event.action,
        targetType: 'domain',
        targetId: event.targetId,
        ...(event.data ? { data: event.data } : {}),
      });
    },
  };
}

/** Envelope encryption under the api's key ring, as packages/domains expects it. */
export function keyRingCipher(keyRing: KeyRing): SecretCipher {
  return {
    encrypt: (plaintext, aad) => encryptSecret(keyRing, plaintext, aad),
    decrypt: (blob, aad) => Buffer.from(decryptSecret(keyRing, blob, aad)).toString('utf8'),
  };
}
