import type { TenantRecord } from '@tenantkit/db';
import { withTenant } from '@tenantkit/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDomain, findDueDomainJobs, findDueDomains } from '../src/index.ts';
import { createDomainWorld, type DomainWorld } from './world.ts';

// The boundaries migration 0010 draws for the runtime role, attacked directly in SQL.

let world: DomainWorld;
let acme: TenantRecord;
let globex: TenantRecord;

beforeAll(async () => {
  world = await createDomainWorld();
  [acme, globex] = [await world.tenant('acme'), await world.tenant('globex')];
  await addDomain({ ctx: world.ctx(acme), input: { hostname: 'app.acme.test' } });
  const { admin } = world.testDb;
  await admin.sql`
    insert into domain_certificates
      (tenant_id, id, hostname, serial, not_before, not_after, certificate_pem, private_key_encrypted)
    values (${acme.id}, gen_random_uuid(), 'app.acme.test', '1', now(), now() + interval '1 day',
      'pem', 'v1.x')`;
});
afterAll(async () => {
  await world?.close();
});

describe('custom domain tables under the runtime role', () => {
  it("never shows another tenant's domains, events or certificates", async () => {
    const seen = await withTenant(world.testDb.app, globex.id, async (tx) => {
      const sql = tx.$client;
      return {
        domains: await sql`select hostname from tenant_domains where hostname = 'app.acme.test'`,
        events: await sql`select id from domain_events`,
        certificates: await sql`select id from domain_certificates`,
      };
    });
    expect(seen).toEqual({ domains: [], events: [], certificates: [] });
  });

  it("cannot write another tenant's domain, nor create platform hostnames", async () => {
    const hijack = withTenant(
      world.testDb.app,
      globex.id,
      (tx) =>
        tx.$client`insert into tenant_domains (tenant_id, hostname, kind)
        values (${acme.id}, 'evil.acme.test', 'custom')`,
    );
    await expect(hijack).rejects.toThrow(/row-level security/);
    const platform = withTenant(
      world.testDb.app,
      globex.id,
      (tx) =>
        tx.$client`insert into tenant_domains (tenant_id, hostname, kind, status)
        values (${globex.id}, 'acme.tenantkit.localhost', 'platform', 'active')`,
    );
    await expect(platform).rejects.toThrow(/row-level security/);
    const updated = await withTenant(
      world.testDb.app,
      globex.id,
      (tx) =>
        tx.$client`update tenant_domains set status = 'active' where hostname = 'app.acme.test'`,
    );
    expect(updated.count).toBe(0);
  });

  it('only serves certificates of active domains through the definer function', async () => {
    const lookup = () =>
      world.testDb.app.sql`select id from certificate_for_hostname('app.acme.test')`;
    expect(await lookup()).toHaveLength(0); // pending_verification: never served
    await world.testDb.admin.sql`
      update tenant_domains set status = 'active', cert_status = 'issued'
      where hostname = 'app.acme.test'`;
    expect(await lookup()).toHaveLength(1);
    await world.testDb.admin.sql`
      update tenant_domains set status = 'moved' where hostname = 'app.acme.test'`;
    expect(await lookup()).toHaveLength(0);
  });

  it('lists due work across tenants for the scheduler, and nothing that is removed', async () => {
    await addDomain({ ctx: world.ctx(globex), input: { hostname: 'app.globex.test' } });
    const due = await findDueDomains(world.testDb.app, { now: new Date(Date.now() + 60_000) });
    expect(due).toContainEqual({ tenantId: globex.id, hostname: 'app.globex.test' });
    expect(due.map((d) => d.hostname)).not.toContain('app.acme.test'); // moved
  });

  it('names the job each due domain owes: verify, issue, renew or reverify', async () => {
    const later = new Date(Date.now() + 60_000);
    const jobsFor = async (hostname: string) =>
      (await findDueDomainJobs(world.testDb.app, { now: later }))
        .filter((j) => j.hostname === hostname)
        .map((j) => j.name)
        .sort();
    expect(await jobsFor('app.globex.test')).toEqual(['verify']);
    const { admin } = world.testDb;
    await admin.sql`update tenant_domains set status = 'verified', cert_status = 'pending_issuance',
      cert_next_attempt_at = now() where hostname = 'app.globex.test'`;
    expect(await jobsFor('app.globex.test')).toEqual(['issue', 'reverify']);
    await admin.sql`update tenant_domains set status = 'active', cert_status = 'issued',
      next_attempt_at = now() + interval '1 day' where hostname = 'app.globex.test'`;
    expect(await jobsFor('app.globex.test')).toEqual(['renew']);
  });
});
