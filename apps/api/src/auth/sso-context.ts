import {
  challengeRecordName,
  challengeRecordValue,
  checkDomainOwnership,
  ensureChallengeToken,
} from '@tenantkit/domains';
import type { DomainOwnershipProver, SsoContext } from '@tenantkit/identity';
import type { Context } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { auditActor, clientAddress } from '../middleware/client-address.ts';

/** What SSO services need from a request: stores, the tenant, the actor and its permissions. */
export function ssoContext(c: Context, deps: ApiDeps): SsoContext {
  return {
    deps: {
      db: deps.db,
      redis: deps.redis,
      keyPrefix: deps.keyPrefix,
      keyRing: deps.keyRing,
      allowInsecureIssuers: deps.ssoAllowInsecureIssuers ?? false,
    },
    tenant: c.get('tenant'),
    actor: auditActor(c),
    permissions: c.get('principal')?.permissions,
  };
}

/** Proves email domains with the tenant's `_tenantkit-challenge` TXT record (packages/domains). */
export function domainProver(c: Context, deps: ApiDeps): DomainOwnershipProver {
  const tenantId = c.get('tenant').id;
  return {
    async record(domain) {
      const token = await ensureChallengeToken(deps.db, tenantId);
      return { name: challengeRecordName(domain), value: challengeRecordValue(token) };
    },
    async check(domain) {
      const token = await ensureChallengeToken(deps.db, tenantId);
      return checkDomainOwnership({ domain, token, resolver: deps.dnsResolver });
    },
  };
}

const HOST_WITH_PORT = /^[a-z0-9.-]{1,253}(:\d{1,5})?$/;

/**
 * `<scheme>://<host[:port]>` of this request as the browser sees it: the redirect URI the IdP
 * sends the browser back to. Behind a trusted proxy, its X-Forwarded-Proto/Host count.
 */
export function publicOrigin(c: Context, deps: ApiDeps): string {
  const peer = clientAddress(c);
  const trusted = peer !== undefined && deps.trustedProxies.includes(peer);
  const forwardedProto = trusted
    ? c.req.header('x-forwarded-proto')?.split(',')[0]?.trim()
    : undefined;
  const proto =
    forwardedProto === 'https' || forwardedProto === 'http'
      ? forwardedProto
      : new URL(c.req.url).protocol.replace(':', '');
  const forwardedHost = trusted
    ? c.req.header('x-forwarded-host')?.split(',')[0]?.trim()
    : undefined;
  const host = (forwardedHost ?? c.req.header('host') ?? '').toLowerCase();
  // The tenant was resolved from this very host; the check keeps anything odd out of the URI.
  if (!HOST_WITH_PORT.test(host)) throw new Error('request without a usable host');
  return `${proto}://${host}`;
}
