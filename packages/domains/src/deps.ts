import type { Resolver } from 'node:dns/promises';
import type { Database } from '@tenantkit/db';
import type { Redis } from 'ioredis';
import type { DnsProvider } from './providers/types.ts';

/**
 * Envelope encryption as the domains package needs it. The app builds it from its key ring
 * (`encryptSecret`/`decryptSecret` of packages/identity), which this package cannot import:
 * identity depends on domains for the ownership check.
 */
export interface SecretCipher {
  encrypt(plaintext: string, aad: string): string;
  decrypt(blob: string, aad: string): string;
}

/** The DNS questions verification asks (a `createDnsResolver(servers)` in production). */
export type DomainDnsLookup = Pick<Resolver, 'resolveTxt' | 'resolve4' | 'resolveCname'>;

/** Where customers point their hostnames: a CNAME target, or A addresses for an apex. */
export interface RoutingTarget {
  cname: string;
  addresses: readonly string[];
}

export interface DomainPolicy {
  /** How long a new domain keeps being checked before it is `failed`. */
  verifyWindowMs: number;
  /** First retry delay; doubles per attempt up to `maxBackoffMs`. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Certificate attempts before the certificate is `failed` (renewals keep retrying). */
  maxIssueAttempts: number;
  /** A domain whose DNS stopped pointing at us is served this long before it is `moved`. */
  danglingGraceMs: number;
  /** How often an active domain's DNS is checked again. */
  reverifyEveryMs: number;
  /** Custom domains per tenant by plan; plans not listed get `default`. */
  domainLimits: Record<string, number> & { default: number };
  /** ACME orders per tenant and for the whole platform per `rateWindowMs`. */
  tenantIssuesPerWindow: number;
  globalIssuesPerWindow: number;
  rateWindowMs: number;
}

export const defaultDomainPolicy: DomainPolicy = {
  verifyWindowMs: 72 * 3_600_000,
  baseBackoffMs: 30_000,
  maxBackoffMs: 3_600_000,
  maxIssueAttempts: 8,
  danglingGraceMs: 24 * 3_600_000,
  reverifyEveryMs: 6 * 3_600_000,
  domainLimits: { default: 2, free: 2, pro: 20, enterprise: 200 },
  tenantIssuesPerWindow: 10,
  globalIssuesPerWindow: 300,
  rateWindowMs: 3_600_000,
};

export interface AcmeSettings {
  directoryUrl: string;
  contactEmail: string;
  /** PEM of the CA that signs the directory's TLS certificate, when not a public one (Pebble). */
  caBundlePem?: string;
  challenge: 'http-01' | 'dns-01';
  /** Required for dns-01: publishes `_acme-challenge.<host>` TXT records. */
  dnsProvider?: DnsProvider;
}

/** Everything the domain services and job processors need; built once per process. */
export interface DomainsDeps {
  db: Database;
  redis: Redis;
  /** Prefix of every Redis key and channel (per deployment, per test file). */
  keyPrefix: string;
  secrets: SecretCipher;
  dns: DomainDnsLookup;
  routing: RoutingTarget;
  policy: DomainPolicy;
  acme?: AcmeSettings;
  now?: () => Date;
}

export const nowOf = (deps: Pick<DomainsDeps, 'now'>): Date => deps.now?.() ?? new Date();
