import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * A resolver that asks exactly `servers` (`ip` or `ip:port`, `[v6]:port`), never the system's
 * configuration: verification must not depend on what the host machine happens to resolve, and
 * tests point it at their own DNS server. An empty list means the system resolvers.
 */
export function createDnsResolver(
  servers: readonly string[],
  { timeoutMs = 2_000, tries = 2 }: { timeoutMs?: number; tries?: number } = {},
): Resolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries });
  if (servers.length > 0) {
    for (const server of servers) assertServer(server);
    resolver.setServers([...servers]);
  }
  return resolver;
}

function assertServer(server: string): void {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  const [host, port] = bracketed
    ? [bracketed[1] ?? '', bracketed[2]]
    : isIP(server)
      ? [server, undefined]
      : server.split(':');
  const portOk =
    port === undefined || (/^\d+$/.test(port) && Number(port) > 0 && Number(port) < 65536);
  if (!host || !isIP(host) || !portOk) {
    throw new Error(`Invalid DNS server "${server}": expected an IP address with an optional port`);
  }
}
