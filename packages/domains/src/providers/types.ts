/**
 * Writes DNS records at a DNS host the platform controls (ACME DNS-01, platform zones).
 * Names are absolute without the trailing dot (`_acme-challenge.app.example.com`); an
 * adapter finds the zone that holds the name itself.
 */
export interface DnsProvider {
  readonly name: string;
  /** Replaces every record of `type` at `name` with `values`. */
  setRecords(input: {
    name: string;
    type: 'TXT' | 'A' | 'CNAME';
    values: string[];
    ttl?: number;
  }): Promise<void>;
  /** Removes every record of `type` at `name`; removing nothing is not an error. */
  deleteRecords(input: { name: string; type: 'TXT' | 'A' | 'CNAME' }): Promise<void>;
}

/** A provider's API refused or failed a change; `status` is its HTTP status. */
export class DnsProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly status: number,
    message: string,
  ) {
    super(`${provider}: ${message}`);
    this.name = 'DnsProviderError';
  }
}
