import { domainToASCII } from 'node:url';

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * Canonical form of a Host header value: lower-case, port stripped, trailing dot removed,
 * IDN converted to punycode. Returns null for anything that is not a plausible DNS name
 * (IP literals, empty labels, over-long names), which then resolves to no tenant.
 */
export function normalizeHost(raw: string | undefined | null): string | null {
  if (!raw) return null;
  let host = raw.trim();
  if (host.startsWith('[')) return null; // IPv6 literal: never a tenant
  const colon = host.lastIndexOf(':');
  if (colon !== -1) {
    if (!/^\d{1,5}$/.test(host.slice(colon + 1))) return null;
    host = host.slice(0, colon);
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.length === 0 || host.length > 253) return null;
  // domainToASCII lower-cases, applies UTS #46 mapping and punycodes; '' means invalid.
  const ascii = /^[\x21-\x7e]+$/.test(host) ? host.toLowerCase() : domainToASCII(host);
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (!labels.every((l) => LABEL.test(l))) return null;
  if (labels.every((l) => /^\d+$/.test(l))) return null; // IPv4 literal
  return ascii;
}

export interface HostSource {
  host: string | undefined;
  forwardedHost: string | undefined;
  /** Address of the direct peer (the proxy, when there is one). */
  remoteAddress: string | undefined;
}

/**
 * The host a request was addressed to. `X-Forwarded-Host` is believed only when the direct
 * peer is one of the configured proxies; from anyone else it is ignored, or a client could
 * pick any tenant by sending the header.
 */
export function requestHost(
  { host, forwardedHost, remoteAddress }: HostSource,
  trustedProxies: ReadonlySet<string>,
): string | null {
  if (forwardedHost && remoteAddress && trustedProxies.has(stripIpv4Mapped(remoteAddress))) {
    // The first value is the one the client sent to the outermost proxy.
    return normalizeHost(forwardedHost.split(',')[0]);
  }
  return normalizeHost(host);
}

function stripIpv4Mapped(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** `acme` for `acme.<platformDomain>`; null for custom domains and deeper subdomains. */
export function platformSlug(host: string, platformDomain: string): string | null {
  const suffix = `.${platformDomain}`;
  if (!host.endsWith(suffix)) return null;
  const slug = host.slice(0, -suffix.length);
  return slug.length > 0 && !slug.includes('.') ? slug : null;
}
