import type { Database, TenantRecord } from '@tenantkit/db';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { platformSlug } from './host.ts';

export interface TenantResolverOptions {
  /** Runtime-role database; resolution goes through two narrow security-definer functions. */
  db: Database;
  redis: Redis;
  /** Prefix for every Redis key and channel (per environment, per test file). */
  keyPrefix: string;
  platformDomain: string;
  /** How long an instance trusts its in-process copy without hearing of a change. */
  localTtlMs?: number;
  redisTtlSeconds?: number;
  /** Unknown hosts are cached briefly so a flood of random hosts cannot reach Postgres. */
  negativeTtlMs?: number;
  maxEntries?: number;
}

export interface TenantChange {
  tenantId: string;
  /**
   * Hostnames to drop besides those the tenant is already cached under (which are dropped
   * anyway): newly claimed ones, whose unknown-host answer may be cached.
   */
  hosts: string[];
}

type Cached = { tenant: TenantRecord | null };

export const tenantChannel = (prefix: string) => `${prefix}tenant:changed`;
const hostKey = (prefix: string, host: string) => `${prefix}tenant:host:${host}`;
/** Every host a tenant is cached under in Redis, so a change can drop them all. */
const tenantHostsKey = (prefix: string, tenantId: string) => `${prefix}tenant:hosts:${tenantId}`;

/**
 * Host -> tenant, through an in-process LRU, then Redis, then Postgres. Every instance drops
 * its copies when any instance publishes a change (`publishTenantChange`), so a suspension or
 * a new domain is seen everywhere within one pub/sub hop, and the local TTL bounds the damage
 * of a lost message.
 */
export class TenantResolver {
  private readonly local: LRUCache<string, Cached>;
  private readonly hostsByTenant = new Map<string, Set<string>>();
  private readonly inflight = new Map<string, Promise<TenantRecord | null>>();
  private generation = 0;
  private subscriber: Redis | undefined;
  /** Subscribed and hearing changes: only then are answers kept locally. */
  private listening = false;

  constructor(private readonly options: TenantResolverOptions) {
    this.local = new LRUCache<string, Cached>({
      max: options.maxEntries ?? 100_000,
      ttl: options.localTtlMs ?? 300_000,
      dispose: (value, host) => {
        if (value.tenant) this.hostsByTenant.get(value.tenant.id)?.delete(host);
      },
    });
  }

  /**
   * Subscribes to change notifications; call once before serving. While the subscription
   * connection is down, a published change would go unheard: from the moment it drops, every
   * local answer is forgotten and none is kept until the subscription is confirmed again (then
   * everything is forgotten once more). That is what lets the local TTL be long: a message can
   * only be lost on a dropped connection, and then nothing cached before it survives.
   */
  async start(): Promise<void> {
    const subscriber = this.options.redis.duplicate();
    this.subscriber = subscriber;
    const channel = tenantChannel(this.options.keyPrefix);
    subscriber.on('message', (_channel, message) => this.onChange(message));
    await subscriber.subscribe(channel);
    this.listening = true;
    subscriber.on('close', () => {
      this.listening = false;
      this.forgetAll();
    });
    // 'ready' comes before ioredis resubscribes; our own SUBSCRIBE answers only once the
    // connection is subscribed (idempotent if ioredis got there first).
    subscriber.on('ready', () => {
      subscriber.subscribe(channel).then(
        () => {
          this.forgetAll();
          this.listening = true;
        },
        () => {},
      );
    });
  }

  /** Drops every local answer (and any load in flight from keeping its result). */
  private forgetAll(): void {
    this.generation++;
    this.local.clear();
    this.hostsByTenant.clear();
  }

  async close(): Promise<void> {
    await this.subscriber?.quit().catch(() => {});
  }

  async resolve(host: string): Promise<TenantRecord | null> {
    const hit = this.local.get(host);
    if (hit) return hit.tenant;
    let pending = this.inflight.get(host);
    if (!pending) {
      // One load per host at a time: a burst on a cold host costs one Redis/Postgres trip.
      pending = this.load(host).finally(() => this.inflight.delete(host));
      this.inflight.set(host, pending);
    }
    return pending;
  }

  private async load(host: string): Promise<TenantRecord | null> {
    const generation = this.generation;
    const { redis, keyPrefix } = this.options;
    const key = hostKey(keyPrefix, host);
    const stored = await redis.get(key);
    let tenant: TenantRecord | null;
    if (stored !== null) {
      tenant = JSON.parse(stored) as TenantRecord | null;
    } else {
      tenant = await this.fromDatabase(host);
      const ttlMs = tenant ? (this.options.redisTtlSeconds ?? 300) * 1000 : this.negativeTtl();
      const write = redis.multi().set(key, JSON.stringify(tenant), 'PX', ttlMs);
      if (tenant) {
        const hostsKey = tenantHostsKey(keyPrefix, tenant.id);
        write.sadd(hostsKey, host).pexpire(hostsKey, ttlMs * 2);
      }
      await write.exec();
    }
    // A change heard while loading may have made this answer stale: return it, don't keep it.
    if (generation === this.generation && this.listening) this.remember(host, tenant);
    return tenant;
  }

  private async fromDatabase(host: string): Promise<TenantRecord | null> {
    const { sql } = this.options.db;
    const slug = platformSlug(host, this.options.platformDomain);
    const rows = slug
      ? await sql<TenantRecord[]>`select * from resolve_tenant_by_slug(${slug})`
      : await sql<TenantRecord[]>`select * from resolve_tenant_by_hostname(${host})`;
    return rows[0] ?? null;
  }

  private remember(host: string, tenant: TenantRecord | null): void {
    if (tenant) {
      this.local.set(host, { tenant });
      const hosts = this.hostsByTenant.get(tenant.id) ?? new Set<string>();
      hosts.add(host);
      this.hostsByTenant.set(tenant.id, hosts);
    } else {
      this.local.set(host, { tenant }, { ttl: this.negativeTtl() });
    }
  }

  private negativeTtl(): number {
    return this.options.negativeTtlMs ?? 5_000;
  }

  private onChange(message: string): void {
    let change: TenantChange;
    try {
      change = JSON.parse(message) as TenantChange;
    } catch {
      return;
    }
    this.generation++;
    for (const host of change.hosts) this.local.delete(host);
    for (const host of this.hostsByTenant.get(change.tenantId) ?? []) this.local.delete(host);
    this.hostsByTenant.delete(change.tenantId);
  }
}

/**
 * Tells every instance that a tenant or its hosts changed. Call after the change committed.
 * The Redis copies are deleted again a moment later: a resolver that read Postgres just before
 * the commit may have written the old answer back in between.
 *
 * The set of hosts a tenant is cached under is never deleted here, only read (it expires on
 * its own, after every host key it lists): deleting it would forget hosts cached between the
 * two deletes, and the next change would leave their Redis copies stale for their whole TTL.
 */
export async function publishTenantChange(
  redis: Redis,
  keyPrefix: string,
  change: TenantChange,
  { secondDeleteMs = 1_000 }: { secondDeleteMs?: number } = {},
): Promise<void> {
  const dropCopies = async (): Promise<string[]> => {
    const cachedUnder = await redis.smembers(tenantHostsKey(keyPrefix, change.tenantId));
    const hosts = [...new Set([...change.hosts, ...cachedUnder])];
    if (hosts.length > 0) await redis.del(...hosts.map((h) => hostKey(keyPrefix, h)));
    return hosts;
  };
  const hosts = await dropCopies();
  await redis.publish(tenantChannel(keyPrefix), JSON.stringify({ ...change, hosts }));
  if (secondDeleteMs > 0) {
    setTimeout(() => dropCopies().catch(() => {}), secondDeleteMs).unref();
  }
}
