import { requestHost } from '@tenantkit/tenancy';
import type { Context } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { clientAddress } from '../middleware/client-address.ts';

/**
 * The tenant's base URL as this request reached it (scheme + normalised host, no port): the
 * `iss` of the access tokens issued here and the only issuer accepted here. Per host, so a
 * token is bound to the address it was issued at, like the `__Host-` session cookie. Host and
 * scheme come from forwarded headers only through a trusted proxy, as in `resolveTenant`.
 */
export function tenantIssuer(c: Context, deps: Pick<ApiDeps, 'trustedProxies'>): string {
  const proxies = new Set(deps.trustedProxies);
  const peer = proxies.size > 0 ? clientAddress(c) : undefined;
  const viaProxy = peer !== undefined && proxies.has(peer);
  const host = requestHost(
    {
      host: c.req.header('host'),
      forwardedHost: viaProxy ? c.req.header('x-forwarded-host') : undefined,
      remoteAddress: peer,
    },
    proxies,
  );
  // resolveTenant ran first and found a tenant for this host, so the host is never null here.
  if (!host) throw new Error('tenantIssuer: no host (resolveTenant must run first)');
  const forwardedProto = viaProxy
    ? c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase()
    : undefined;
  const scheme =
    forwardedProto === 'https' || forwardedProto === 'http'
      ? forwardedProto
      : new URL(c.req.url).protocol.slice(0, -1);
  return `${scheme}://${host}`;
}
