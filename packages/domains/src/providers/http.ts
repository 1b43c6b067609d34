import { DnsProviderError } from './types.ts';

/** One JSON call to a provider's REST API; non-2xx becomes a `DnsProviderError`. */
export async function callJson(
  provider: string,
  fetchFn: typeof fetch,
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<unknown> {
  const response = await fetchFn(url, {
    method,
    headers: {
      accept: 'application/json',
      ...headers,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new DnsProviderError(
      provider,
      response.status,
      `${method} ${new URL(url).pathname}: ${text.slice(0, 300)}`,
    );
  }
  return text ? JSON.parse(text) : null;
}

/** The longest of `zones` that `fqdn` is in or equal to. */
export function zoneOf(fqdn: string, zones: readonly string[]): string | undefined {
  const name = fqdn.toLowerCase().replace(/\.$/, '');
  return zones
    .map((z) => z.toLowerCase().replace(/\.$/, ''))
    .filter((z) => name === z || name.endsWith(`.${z}`))
    .sort((a, b) => b.length - a.length)[0];
}
