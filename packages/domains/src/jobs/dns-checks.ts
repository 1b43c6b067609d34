import type { DomainDnsLookup, RoutingTarget } from '../deps.ts';
import { checkDomainOwnership, type TxtResolver } from '../ownership/challenge.ts';

export type DnsCheck = { ok: true } | { ok: false; reason: string };

const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);
const errorCode = (e: unknown) => (e as NodeJS.ErrnoException).code ?? 'EUNKNOWN';

/** The TXT proof, as a pass or a reason the tenant can act on. */
export async function checkOwnership(
  dns: TxtResolver,
  hostname: string,
  token: string,
): Promise<DnsCheck> {
  const result = await checkDomainOwnership({ domain: hostname, token, resolver: dns });
  return result.verified
    ? { ok: true }
    : { ok: false, reason: `${result.reason}: ${result.detail}` };
}

/**
 * Whether the hostname reaches the platform: a CNAME to the routing target, or (apex names,
 * which cannot carry a CNAME) A records among the platform's addresses.
 */
export async function checkRouting(
  dns: DomainDnsLookup,
  hostname: string,
  routing: RoutingTarget,
): Promise<DnsCheck> {
  try {
    const cnames = await dns.resolveCname(hostname);
    const target = routing.cname.toLowerCase().replace(/\.$/, '');
    if (cnames.some((c) => c.toLowerCase().replace(/\.$/, '') === target)) return { ok: true };
  } catch (e) {
    if (!NOT_FOUND.has(errorCode(e))) {
      return { ok: false, reason: `dns-error: CNAME lookup failed: ${errorCode(e)}` };
    }
  }
  try {
    const addresses = await dns.resolve4(hostname);
    if (addresses.some((a) => routing.addresses.includes(a))) return { ok: true };
    return {
      ok: false,
      reason: `not-routed: ${hostname} points at ${addresses.join(', ') || 'nothing'}, not at ${routing.cname}`,
    };
  } catch (e) {
    const code = errorCode(e);
    return NOT_FOUND.has(code)
      ? { ok: false, reason: `not-routed: no CNAME or A record at ${hostname}` }
      : { ok: false, reason: `dns-error: A lookup failed: ${code}` };
  }
}
