import { requestHost } from '@tenantkit/tenancy';
import type { Context } from 'hono';
import type { ApiDeps } from '../../deps.ts';
import { clientAddress } from '../../middleware/client-address.ts';

/**
 * The origin invitation links point at: the host this request came to, which resolved to the
 * tenant (so the link opens where the token is valid). Always https, except development hosts
 * under `localhost`, which keep the request's scheme and port.
 */
export function acceptBaseUrl(c: Context, deps: ApiDeps): string {
  const proxies = new Set(deps.trustedProxies);
  const host = requestHost(
    {
      host: c.req.header('host'),
      forwardedHost: proxies.size > 0 ? c.req.header('x-forwarded-host') : undefined,
      remoteAddress: proxies.size > 0 ? clientAddress(c) : undefined,
    },
    proxies,
  );
  if (!host) throw new Error('acceptBaseUrl: no host on a tenant-scoped request');
  if (host === 'localhost' || host.endsWith('.localhost')) {
    const url = new URL(c.req.url);
    const port = /:(\d{1,5})$/.exec(c.req.header('host') ?? '')?.[1];
    return `${url.protocol}//${host}${port ? `:${port}` : ''}`;
  }
  return `https://${host}`;
}
