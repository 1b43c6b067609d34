import { type DnsProvider, DnsProviderError } from './types.ts';

export interface PowerDnsOptions {
  /** The webserver URL, e.g. `http://127.0.0.1:8081`. */
  apiUrl: string;
  apiKey: string;
  serverId?: string;
  fetch?: typeof fetch;
}

const absolute = (name: string) => `${name.toLowerCase().replace(/\.$/, '')}.`;
const quoteTxt = (value: string) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

/**
 * PowerDNS Authoritative over its HTTP API (`api=yes`): record changes are PATCHes of rrsets
 * on the zone that holds the name (the longest zone suffix among the server's zones).
 */
export class PowerDnsProvider implements DnsProvider {
  readonly name = 'powerdns';
  private readonly base: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: PowerDnsOptions) {
    this.base = `${options.apiUrl.replace(/\/$/, '')}/api/v1/servers/${options.serverId ?? 'localhost'}`;
    this.fetchFn = options.fetch ?? fetch;
  }

  /** Creates a native zone if it does not exist (platform zones, tests standing in for customers). */
  async ensureZone(zone: string): Promise<void> {
    const name = absolute(zone);
    const existing = await this.zones();
    if (existing.includes(name)) return;
    await this.call('POST', '/zones', { name, kind: 'Native', nameservers: [`ns1.${name}`] });
  }

  async setRecords({
    name,
    type,
    values,
    ttl = 60,
  }: Parameters<DnsProvider['setRecords']>[0]): Promise<void> {
    const zone = await this.zoneFor(name);
    const records = values.map((v) => ({
      content: type === 'TXT' ? quoteTxt(v) : type === 'CNAME' ? absolute(v) : v,
      disabled: false,
    }));
    await this.call('PATCH', `/zones/${encodeURIComponent(zone)}`, {
      rrsets: [{ name: absolute(name), type, ttl, changetype: 'REPLACE', records }],
    });
  }

  async deleteRecords({ name, type }: Parameters<DnsProvider['deleteRecords']>[0]): Promise<void> {
    const zone = await this.zoneFor(name);
    await this.call('PATCH', `/zones/${encodeURIComponent(zone)}`, {
      rrsets: [{ name: absolute(name), type, changetype: 'DELETE' }],
    });
  }

  private async zones(): Promise<string[]> {
    const list = (await this.call('GET', '/zones')) as { name: string }[];
    return list.map((z) => z.name);
  }

  private async zoneFor(name: string): Promise<string> {
    const fqdn = absolute(name);
    const match = (await this.zones())
      .filter((z) => fqdn === z || fqdn.endsWith(`.${z}`))
      .sort((a, b) => b.length - a.length)[0];
    if (!match) throw new DnsProviderError(this.name, 404, `no zone holds ${fqdn}`);
    return match;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await this.fetchFn(`${this.base}${path}`, {
      method,
      headers: {
        'X-API-Key': this.options.apiKey,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) {
      let detail = text.slice(0, 200);
      try {
        detail = (JSON.parse(text) as { error?: string }).error ?? detail;
      } catch {}
      throw new DnsProviderError(this.name, response.status, `${method} ${path}: ${detail}`);
    }
    return text ? JSON.parse(text) : null;
  }
}
