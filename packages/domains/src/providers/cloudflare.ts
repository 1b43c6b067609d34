import { callJson } from './http.ts';
import type { DnsProvider } from './types.ts';
import { DnsProviderError } from './types.ts';

export interface CloudflareOptions {
  /** An API token with Zone.DNS edit on the zones concerned. */
  apiToken: string;
  /** Defaults to Cloudflare's v4 API; tests point it at a local server. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

interface Envelope<T> {
  success: boolean;
  result: T;
  errors?: { code: number; message: string }[];
}

/**
 * Cloudflare DNS over its v4 REST API: the zone is found by name (longest suffix of the record
 * name), and "set" replaces the records of a type at a name by deleting the old ones and
 * creating one per value.
 */
export class CloudflareDnsProvider implements DnsProvider {
  readonly name = 'cloudflare';
  private readonly base: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: CloudflareOptions) {
    this.base = (options.baseUrl ?? 'https://api.cloudflare.com/client/v4').replace(/\/$/, '');
    this.fetchFn = options.fetch ?? fetch;
  }

  async setRecords({ name, type, values, ttl = 60 }: Parameters<DnsProvider['setRecords']>[0]) {
    const fqdn = name.toLowerCase().replace(/\.$/, '');
    const zoneId = await this.zoneIdFor(fqdn);
    await this.deleteIn(zoneId, fqdn, type);
    for (const content of values) {
      await this.call('POST', `/zones/${zoneId}/dns_records`, {
        type,
        name: fqdn,
        content,
        ttl,
        ...(type === 'TXT' ? {} : { proxied: false }),
      });
    }
  }

  async deleteRecords({ name, type }: Parameters<DnsProvider['deleteRecords']>[0]) {
    const fqdn = name.toLowerCase().replace(/\.$/, '');
    await this.deleteIn(await this.zoneIdFor(fqdn), fqdn, type);
  }

  private async deleteIn(zoneId: string, fqdn: string, type: string): Promise<void> {
    const query = new URLSearchParams({ type, name: fqdn, per_page: '100' });
    const existing = await this.call<{ id: string }[]>(
      'GET',
      `/zones/${zoneId}/dns_records?${query}`,
    );
    for (const record of existing) {
      await this.call('DELETE', `/zones/${zoneId}/dns_records/${encodeURIComponent(record.id)}`);
    }
  }

  /** Tries `a.b.example.com`, `b.example.com`, `example.com` until Cloudflare knows the zone. */
  private async zoneIdFor(fqdn: string): Promise<string> {
    const labels = fqdn.split('.');
    for (let i = 0; i < labels.length - 1; i++) {
      const candidate = labels.slice(i).join('.');
      const zones = await this.call<{ id: string; name: string }[]>(
        'GET',
        `/zones?${new URLSearchParams({ name: candidate })}`,
      );
      const zone = zones.find((z) => z.name === candidate);
      if (zone) return zone.id;
    }
    throw new DnsProviderError(this.name, 404, `no zone holds ${fqdn}`);
  }

  private async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const envelope = (await callJson(
      this.name,
      this.fetchFn,
      method,
      `${this.base}${path}`,
      { authorization: `Bearer ${this.options.apiToken}` },
      body,
    )) as Envelope<T> | null;
    if (envelope && envelope.success === false) {
      const message = envelope.errors?.map((e) => `${e.code} ${e.message}`).join('; ') ?? 'failed';
      throw new DnsProviderError(this.name, 200, `${method} ${path}: ${message}`);
    }
    return (envelope?.result ?? null) as T;
  }
}
