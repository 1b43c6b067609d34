import { createTenant, type TenantRecord } from '@tenantkit/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  challengeRecordName,
  challengeRecordValue,
  checkDomainOwnership,
  createDnsResolver,
  ensureChallengeToken,
} from '../src/index.ts';
import {
  createTestDatabase,
  startTestDnsServer,
  type TestDatabase,
  type TestDnsServer,
} from './support.ts';

let testDb: TestDatabase;
let dns: TestDnsServer;
let acme: TenantRecord;
let globex: TenantRecord;

beforeAll(async () => {
  [testDb, dns] = await Promise.all([createTestDatabase(), startTestDnsServer()]);
  const create = async (slug: string) =>
    (
      await createTenant({
        admin: testDb.admin.sql,
        input: { slug, name: slug, tier: 'pooled', platformDomain: 'tenantkit.localhost' },
      })
    ).tenant;
  [acme, globex] = [await create('acme'), await create('globex')];
});
afterAll(async () => {
  await dns?.close();
  await testDb?.drop();
});

const check = async (domain: string, token: string) =>
  checkDomainOwnership({ domain, token, resolver: createDnsResolver([dns.server]) });

describe('domain ownership', () => {
  it('gives each tenant one stable token, also under concurrent first use', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 8 }, () => ensureChallengeToken(testDb.app, acme.id)),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toMatch(/^[a-z0-9]{40}$/);
    expect(await ensureChallengeToken(testDb.app, globex.id)).not.toBe(tokens[0]);
  });

  it('verifies a domain whose challenge record carries the tenant token, among other records', async () => {
    const token = await ensureChallengeToken(testDb.app, acme.id);
    dns.setTxt(challengeRecordName('acme.test'), ['v=spf1 -all', challengeRecordValue(token)]);
    expect(await check('acme.test', token)).toEqual({ verified: true });
  });

  it("refuses another tenant's token: a record copied from acme's instructions proves nothing for globex", async () => {
    const acmeToken = await ensureChallengeToken(testDb.app, acme.id);
    const globexToken = await ensureChallengeToken(testDb.app, globex.id);
    dns.setTxt(challengeRecordName('shared.test'), [challengeRecordValue(acmeToken)]);
    expect(await check('shared.test', globexToken)).toMatchObject({
      verified: false,
      reason: 'wrong-token',
    });
  });

  it('reports a missing record (NXDOMAIN and NODATA) as no-record', async () => {
    const token = await ensureChallengeToken(testDb.app, acme.id);
    expect(await check('nothing-here.test', token)).toMatchObject({
      verified: false,
      reason: 'no-record',
    });
    dns.setA(challengeRecordName('a-only.test'), ['192.0.2.1']);
    expect(await check('a-only.test', token)).toMatchObject({
      verified: false,
      reason: 'no-record',
    });
    // A record at the bare domain, not at the challenge name, is not a proof either.
    dns.setTxt('bare.test', [challengeRecordValue(token)]);
    expect(await check('bare.test', token)).toMatchObject({ verified: false, reason: 'no-record' });
  });

  it('reports an unreachable resolver as a DNS error, not as a missing record', async () => {
    const resolver = createDnsResolver(['127.0.0.1:9'], { timeoutMs: 200, tries: 1 });
    expect(await checkDomainOwnership({ domain: 'acme.test', token: 'x', resolver })).toMatchObject(
      { verified: false, reason: 'dns-error' },
    );
  });

  it('refuses a resolver address that is not an IP', () => {
    expect(() => createDnsResolver(['dns.example.com'])).toThrow(/Invalid DNS server/);
    expect(() => createDnsResolver(['127.0.0.1:99999'])).toThrow(/Invalid DNS server/);
    expect(() => createDnsResolver(['[::1]:5353'])).not.toThrow();
  });

  it('keeps each tenant to its own token row under RLS', async () => {
    await ensureChallengeToken(testDb.app, acme.id);
    const rows = await testDb.app.sql.begin(async (sql) => {
      await sql`select set_config('app.tenant_id', ${globex.id}, true)`;
      return sql`select tenant_id from domain_challenges`;
    });
    expect(rows.map((r) => r.tenant_id)).toEqual([globex.id]);
  });
});
