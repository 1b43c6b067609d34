import { randomBytes } from 'node:crypto';
import { domainsConfigSchema } from '@tenantkit/config';
import { createTenant, type TenantRecord } from '@tenantkit/db';
import { addDomain, createDomainsDeps, type DomainsDeps } from '@tenantkit/domains';
import { decryptSecret, encryptSecret, parseKeyRing } from '@tenantkit/identity';
import { wildcardDns } from '@tenantkit/lifecycle';
import {
  createTestDatabase,
  createTestRedis,
  startTestDnsServer,
  type TestDatabase,
  type TestDnsServer,
  type TestRedis,
} from '@tenantkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobsClient } from '../src/client.ts';
import { DOMAIN_SCAN_JOB } from '../src/processors/domains.ts';
import { defaultRegistry } from '../src/registry.ts';
import { type RunningWorkers, startWorkers } from '../src/runtime.ts';

// The scan schedule and the verify job, end to end: a real BullMQ worker, Postgres with RLS,
// and a real DNS server on loopback answering the customer's TXT proof.

const PLATFORM = 'tenantkit.localhost';
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
let db: TestDatabase;
let redis: TestRedis;
let dns: TestDnsServer;
let domains: DomainsDeps;
let jobs: JobsClient;
let running: RunningWorkers | undefined;
const failures: string[] = [];

beforeAll(async () => {
  [db, redis, dns] = await Promise.all([
    createTestDatabase(),
    createTestRedis(),
    startTestDnsServer(),
  ]);
  const keyRing = parseKeyRing(`t:${randomBytes(32).toString('base64')}`);
  domains = createDomainsDeps({
    config: domainsConfigSchema.parse({}),
    platformDomain: PLATFORM,
    dnsServers: [dns.server],
    db: db.app,
    redis: redis.redis,
    keyPrefix: redis.prefix,
    secrets: {
      encrypt: (p, aad) => encryptSecret(keyRing, p, aad),
      decrypt: (b, aad) => Buffer.from(decryptSecret(keyRing, b, aad)).toString('utf8'),
    },
  });
  jobs = new JobsClient({ redisUrl, prefix: `${redis.prefix}bull`, admin: db.admin });
});
afterAll(async () => {
  await running?.close(1_000);
  await jobs?.close();
  await dns?.close();
  await redis?.close();
  await db?.drop();
});

const tenant = async (slug: string): Promise<TenantRecord> =>
  (
    await createTenant({
      admin: db.admin.sql,
      input: { slug, name: slug, tier: 'pooled', plan: 'free', platformDomain: PLATFORM },
    })
  ).tenant;

async function add(owner: TenantRecord, hostname: string) {
  const { domain } = await addDomain({
    ctx: {
      db: db.app,
      tenant: owner,
      platformDomain: PLATFORM,
      policy: domains.policy,
      routing: domains.routing,
    },
    input: { hostname },
  });
  return domain;
}

const statusOf = async (hostname: string) => {
  const [row] = await db.admin.sql<{ tenant_id: string; status: string; cert_status: string }[]>`
    select tenant_id, status, cert_status from tenant_domains where hostname = ${hostname}`;
  return row;
};

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; failures: ${failures.join('; ')}`);
}

describe('custom-domain jobs in the worker', () => {
  it('registers no domain processors without domains deps', () => {
    const lines: string[] = [];
    const registry = defaultRegistry({ log: (line) => lines.push(line) });
    expect(registry.has('domains', DOMAIN_SCAN_JOB)).toBe(false);
    expect(registry.has('domains', 'verify')).toBe(false);
    expect(lines).toEqual([expect.stringMatching(/not registered/)]);
    const full = defaultRegistry({ domains: true });
    for (const name of [DOMAIN_SCAN_JOB, 'verify', 'issue', 'renew', 'reverify']) {
      expect(full.has('domains', name), name).toBe(true);
    }
  });

  it('the scan schedule verifies a due domain through its tenant job; a borrowed proof does not verify', async () => {
    const acme = await tenant('acme');
    const globex = await tenant('globex');
    const ours = await add(acme, 'app.acme.test');
    const theirs = await add(globex, 'shop.globex.test');
    expect(ours.status).toBe('pending_verification');
    // Acme publishes its proof; globex's hostname carries acme's token, which is not its own.
    const proof = ours.instructions.ownership;
    dns.setTxt(proof.name, [proof.value]);
    dns.setTxt(theirs.instructions.ownership.name, [proof.value]);

    running = await startWorkers({
      redisUrl,
      prefix: `${redis.prefix}bull`,
      app: db.app,
      registry: defaultRegistry({ domains: true }),
      schedules: true,
      deps: {
        admin: db.admin,
        app: db.app,
        redis: redis.redis,
        keyPrefix: redis.prefix,
        platformDomain: PLATFORM,
        dns: wildcardDns,
        mail: { send: async () => {} },
        deletionGraceMs: 0,
        domains,
      },
      onFailed: (queue, job, error) => failures.push(`${queue}/${job}: ${error.message}`),
    });

    // The schedule's first run comes from the repeatable scheduler, not from the test.
    const queue = jobs.queue('domains');
    const verifyJobs = await waitFor(async () => {
      const done = (await queue.getJobs(['completed'])).filter((j) => j.name === 'verify');
      return done.length >= 2 ? done : undefined;
    }, 'both verify jobs');
    const byTenant = Object.fromEntries(
      verifyJobs.map((j) => [j.data.tenantId, { hostname: j.data.hostname, out: j.returnvalue }]),
    );
    expect(byTenant).toEqual({
      [acme.id]: { hostname: 'app.acme.test', out: { outcome: 'verified' } },
      [globex.id]: {
        hostname: 'shop.globex.test',
        out: expect.objectContaining({ outcome: 'pending' }),
      },
    });
    const scans = (await queue.getJobs(['completed'])).filter((j) => j.name === DOMAIN_SCAN_JOB);
    expect(scans[0]?.returnvalue).toEqual({ jobs: 2 });
    expect(verifyJobs.map((j) => j.id)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^verify-app\.acme\.test-\d+$/)]),
    );

    expect(await statusOf('app.acme.test')).toEqual({
      tenant_id: acme.id,
      status: 'verified',
      cert_status: 'pending_issuance',
    });
    expect(await statusOf('shop.globex.test')).toMatchObject({
      tenant_id: globex.id,
      status: 'pending_verification',
    });
    expect(failures).toEqual([]);
  });
});
