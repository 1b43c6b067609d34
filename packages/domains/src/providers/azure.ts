import { callJson, zoneOf } from './http.ts';
import type { DnsProvider } from './types.ts';
import { DnsProviderError } from './types.ts';

export interface AzureDnsOptions {
  subscriptionId: string;
  resourceGroup: string;
  /** The Azure DNS zones this provider may write, e.g. `["tenantkit.example"]`. */
  zones: readonly string[];
  /** An ARM access token (managed identity or client credentials; the caller caches it). */
  getAccessToken: () => Promise<string>;
  /** Defaults to Azure Resource Manager; tests point it at a local server. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

const API_VERSION = '2018-05-01';
/** One TXT string holds at most 255 bytes; longer values are split into several strings. */
const chunks = (value: string) => value.match(/[\s\S]{1,255}/g) ?? [''];

/**
 * Azure DNS over the ARM REST API (`Microsoft.Network/dnsZones`): a record set is replaced
 * whole with PUT and removed with DELETE, addressed by its name relative to the zone.
 */
export class AzureDnsProvider implements DnsProvider {
  readonly name = 'azure-dns';
  private readonly base: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: AzureDnsOptions) {
    this.base = (options.baseUrl ?? 'https://management.azure.com').replace(/\/$/, '');
    this.fetchFn = options.fetch ?? fetch;
  }

  async setRecords({ name, type, values, ttl = 60 }: Parameters<DnsProvider['setRecords']>[0]) {
    const properties: Record<string, unknown> = { TTL: ttl };
    if (type === 'TXT') properties.TXTRecords = values.map((v) => ({ value: chunks(v) }));
    if (type === 'A') properties.ARecords = values.map((ipv4Address) => ({ ipv4Address }));
    if (type === 'CNAME') {
      if (values.length !== 1) {
        throw new DnsProviderError(this.name, 400, 'a CNAME record set holds exactly one value');
      }
      properties.CNAMERecord = { cname: values[0] };
    }
    await this.call('PUT', name, type, { properties });
  }

  async deleteRecords({ name, type }: Parameters<DnsProvider['deleteRecords']>[0]) {
    await this.call('DELETE', name, type);
  }

  private async call(method: string, name: string, type: string, body?: unknown) {
    const fqdn = name.toLowerCase().replace(/\.$/, '');
    const zone = zoneOf(fqdn, this.options.zones);
    if (!zone) throw new DnsProviderError(this.name, 404, `no configured zone holds ${fqdn}`);
    const relative = fqdn === zone ? '@' : fqdn.slice(0, -(zone.length + 1));
    const { subscriptionId, resourceGroup } = this.options;
    const path =
      `/subscriptions/${encodeURIComponent(subscriptionId)}` +
      `/resourceGroups/${encodeURIComponent(resourceGroup)}` +
      `/providers/Microsoft.Network/dnsZones/${encodeURIComponent(zone)}` +
      `/${type}/${encodeURIComponent(relative)}?api-version=${API_VERSION}`;
    const token = await this.options.getAccessToken();
    await callJson(
      this.name,
      this.fetchFn,
      method,
      `${this.base}${path}`,
      { authorization: `Bearer ${token}` },
      body,
    );
  }
}
