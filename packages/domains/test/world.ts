import { randomBytes } from 'node:crypto';
import { createTenant, type TenantRecord } from '@tenantkit/db';
import { decryptSecret, encryptSecret, parseKeyRing } from '../../identity/src/crypto/envelope.ts';
import {
  createDnsResolver,
  type DomainServiceContext,
  type DomainsDeps,
  defaultDomainPolicy,
  PowerDnsProvider,
  type SecretCipher,
} from '../src/index.ts';
import {
  createTestDatabase,
  createTestRedis,
  startPowerDns,
  type TestDatabase,
  type TestPowerDns,
  type TestRedis,
} from './support.ts';

export const PLATFORM = 'tenantkit.localhost';

/** A key ring of this run only, used as production uses `SECRETS_KEYRING`. */
export function testCipher(): SecretCipher {
  const ring = parseKeyRing(`t:${randomBytes(32).toString('base64')}`);
  return {
    encrypt: (p, aad) => encryptSecret(ring, p, aad),
    decrypt: (b, aad) => Buffer.from(decryptSecret(ring, b, aad)).toString('utf8'),
  };
}

export interface DomainWorld {
  testDb: TestDatabase;
  testRedis: TestRedis;
  pdns: TestPowerDns;
  /** The customer's DNS host (a real PowerDNS), through the adapter under test. */
  dnsHost: PowerDnsProvider;
  deps: DomainsDeps;
  tenant(slug: string, plan?: string): Promise<TenantRecord>;
  ctx(tenant: TenantRecord): DomainServiceContext;
  close(): Promise<void>;
}

/** One test file's database, Redis prefix and PowerDNS, and the domains deps over them. */
export async function createDomainWorld(
  overrides: Partial<DomainsDeps> = {},
): Promise<DomainWorld> {
  const [testDb, testRedis, pdns] = await Promise.all([
    createTestDatabase(),
    createTestRedis(),
    startPowerDns(),
  ]);
  const dnsHost = new PowerDnsProvider({ apiUrl: pdns.apiUrl, apiKey: pdns.apiKey });
  const deps: DomainsDeps = {
    db: testDb.app,
    redis: testRedis.redis,
    keyPrefix: testRedis.prefix,
    secrets: testCipher(),
    dns: createDnsResolver([pdns.dnsServer], { timeoutMs: 1_000, tries: 1 }),
    routing: { cname: `custom.${PLATFORM}`, addresses: ['127.0.0.1'] },
    policy: { ...defaultDomainPolicy, baseBackoffMs: 1_000, verifyWindowMs: 3_600_000 },
    ...overrides,
  };
  return {
    testDb,
    testRedis,
    pdns,
    dnsHost,
    deps,
    tenant: async (slug, plan = 'free') =>
      (
        await createTenant({
          admin: testDb.admin.sql,
          input: { slug, name: slug, tier: 'pooled', plan, platformDomain: PLATFORM },
        })
      ).tenant,
    ctx: (tenant) => ({
      db: testDb.app,
      tenant,
      platformDomain: PLATFORM,
      policy: deps.policy,
      routing: deps.routing,
      ...(deps.now ? { now: deps.now } : {}),
    }),
    close: async () => {
      await pdns.close();
      await testRedis.close();
      await testDb.drop();
    },
  };
}

/** Publishes what a customer following the instructions would: the TXT proof and an A record. */
export async function publishCustomerRecords(
  world: DomainWorld,
  zone: string,
  hostname: string,
  txtValue: string,
): Promise<void> {
  await world.dnsHost.ensureZone(zone);
  await world.dnsHost.setRecords({
    name: `_tenantkit-challenge.${hostname}`,
    type: 'TXT',
    values: [txtValue],
  });
  await world.dnsHost.setRecords({ name: hostname, type: 'A', values: ['127.0.0.1'] });
}
