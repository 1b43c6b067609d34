import { createSecureContext, type SecureContext } from 'node:tls';
import type { Database } from '@tenantkit/db';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { SecretCipher } from '../deps.ts';
import { certificateKeyAad } from '../jobs/issue.ts';
import { certificateChannel } from '../lifecycle/serving.ts';

export interface CertificateStoreOptions {
  /** Runtime-role database; lookups go through the `certificate_for_hostname` definer function. */
  db: Database;
  redis: Redis;
  keyPrefix: string;
  secrets: SecretCipher;
  maxEntries?: number;
  /** How long a context is trusted without hearing of a change (bounds a lost message). */
  ttlMs?: number;
  /** Hostnames without a certificate are remembered this long (a handshake flood of random names). */
  negativeTtlMs?: number;
}

type Entry = { context: SecureContext | null };

/**
 * TLS contexts of active custom domains by SNI name: in-process LRU over Postgres, dropped on
 * every instance when a certificate or a domain's serving state changes (Redis pub/sub), so a
 * new certificate serves without a restart. The private key is decrypted once per load.
 */
export class CertificateStore {
  private readonly cache: LRUCache<string, Entry>;
  private readonly inflight = new Map<string, Promise<SecureContext | null>>();
  private generation = 0;
  private subscriber: Redis | undefined;

  constructor(private readonly options: CertificateStoreOptions) {
    this.cache = new LRUCache<string, Entry>({
      max: options.maxEntries ?? 10_000,
      ttl: options.ttlMs ?? 300_000,
    });
  }

  async start(): Promise<void> {
    const subscriber = this.options.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('message', (_channel, hostname: string) => {
      this.generation++;
      this.cache.delete(hostname);
    });
    await subscriber.subscribe(certificateChannel(this.options.keyPrefix));
  }

  async close(): Promise<void> {
    await this.subscriber?.quit().catch(() => {});
  }

  /** The context for `hostname`, or null when it has no servable certificate. */
  contextFor(hostname: string): Promise<SecureContext | null> {
    const hit = this.cache.get(hostname);
    if (hit) return Promise.resolve(hit.context);
    let pending = this.inflight.get(hostname);
    if (!pending) {
      pending = this.load(hostname).finally(() => this.inflight.delete(hostname));
      this.inflight.set(hostname, pending);
    }
    return pending;
  }

  private async load(hostname: string): Promise<SecureContext | null> {
    const generation = this.generation;
    const rows = await this.options.db.sql<
      { tenant_id: string; id: string; certificate_pem: string; private_key_encrypted: string }[]
    >`select tenant_id, id, certificate_pem, private_key_encrypted
      from certificate_for_hostname(${hostname})`;
    const row = rows[0];
    let context: SecureContext | null = null;
    if (row) {
      const key = this.options.secrets.decrypt(
        row.private_key_encrypted,
        certificateKeyAad(row.tenant_id, hostname, row.id),
      );
      context = createSecureContext({ cert: row.certificate_pem, key });
    }
    if (generation === this.generation) {
      this.cache.set(
        hostname,
        { context },
        context ? {} : { ttl: this.options.negativeTtlMs ?? 5_000 },
      );
    }
    return context;
  }
}
