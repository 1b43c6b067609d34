import type { TenantRecord } from '@tenantkit/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDomain,
  domainEventsChannel,
  getDomain,
  listDomains,
  removeDomain,
  reverifyDomain,
  verifyDomain,
} from '../src/index.ts';
import { createDomainWorld, type DomainWorld, publishCustomerRecords } from './world.ts';

// Verification against a real PowerDNS that the test writes to as a customer would.

let world: DomainWorld;
let acme: TenantRecord;
let globex: TenantRecord;
let clock = new Date('2026-01-01T00:00:00Z');

beforeAll(async () => {
  world = await createDomainWorld({ now: () => clock });
  [acme, globex] = [await world.tenant('acme'), await world.tenant('globex')];
  await world.dnsHost.ensureZone('acme.test');
});
afterAll(async () => {
  await world?.close();
});

const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};
const added = async (tenant: TenantRecord, hostname: string) =>
  (await addDomain({ ctx: world.ctx(tenant), input: { hostname } })).domain;

describe('adding a domain', () => {
  it('starts pending_verification with the TXT and routing instructions', async () => {
    const domain = await added(acme, 'App.Acme.Test');
    expect(domain.hostname).toBe('app.acme.test');
    expect(domain.status).toBe('pending_verification');
    expect(domain.certificate.status).toBe('none');
    expect(domain.instructions.ownership.name).toBe('_tenantkit-challenge.app.acme.test');
    expect(domain.instructions.ownership.value).toMatch(/^tenantkit-verification=[a-z0-9]{32,}$/);
    expect(domain.instructions.routing?.value).toBe('custom.tenantkit.localhost');
  });

  it("refuses another tenant's hostname with a conflict, and a duplicate of one's own", async () => {
    await expect(added(globex, 'app.acme.test')).rejects.toMatchObject({
      problemKind: 'conflict',
      problemSlug: 'hostname-taken',
    });
    await expect(added(acme, 'app.acme.test')).rejects.toMatchObject({
      problemSlug: 'domain-exists',
    });
  });

  it('refuses platform hostnames, IPs and malformed names', async () => {
    for (const hostname of [
      'globex.tenantkit.localhost',
      '127.0.0.1',
      'bad_host.test',
      'x',
      'a..b',
    ]) {
      await expect(added(acme, hostname), hostname).rejects.toMatchObject({
        problemKind: 'invalid',
      });
    }
  });

  it("enforces the plan's domain limit per tenant", async () => {
    const small = await world.tenant('small');
    await added(small, 'one.small.test');
    await added(small, 'two.small.test');
    await expect(added(small, 'three.small.test')).rejects.toMatchObject({
      problemSlug: 'domain-limit-reached',
    });
    // Removing one frees a slot; the removed row no longer blocks anyone.
    await removeDomain({ ctx: world.ctx(small), input: { hostname: 'two.small.test' } });
    await added(small, 'three.small.test');
    expect((await added(globex, 'two.small.test')).status).toBe('pending_verification');
  });
});

describe('verification', () => {
  it('stays pending with the reason while the TXT record is missing or wrong, with backoff', async () => {
    const first = await verifyDomain(world.deps, { tenantId: acme.id, hostname: 'app.acme.test' });
    expect(first).toMatchObject({ outcome: 'pending' });
    expect(first.outcome === 'pending' && first.reason).toMatch(/^no-record/);

    // A record carrying globex's token (copied instructions) proves nothing for acme.
    const globexToken = (await added(globex, 'other.acme.test')).instructions.ownership.value;
    await publishCustomerRecords(world, 'acme.test', 'app.acme.test', globexToken);
    const second = await verifyDomain(world.deps, { tenantId: acme.id, hostname: 'app.acme.test' });
    expect(second).toMatchObject({ outcome: 'pending' });
    expect(second.outcome === 'pending' && second.reason).toMatch(/^wrong-token/);
    if (first.outcome === 'pending' && second.outcome === 'pending') {
      const gap1 = first.nextAttemptAt.getTime() - clock.getTime();
      const gap2 = second.nextAttemptAt.getTime() - clock.getTime();
      expect(gap2).toBe(gap1 * 2);
    }
    const view = await getDomain({ ctx: world.ctx(acme), input: { hostname: 'app.acme.test' } });
    expect(view.status).toBe('pending_verification');
    expect(view.reason).toMatch(/different token/);
  });

  it('verifies once the right TXT record is published, queues the certificate, emits events', async () => {
    const domain = (await listDomains({ ctx: world.ctx(acme) })).find(
      (d) => d.hostname === 'app.acme.test',
    );
    const events: string[] = [];
    const sub = world.testRedis.redis.duplicate();
    await sub.subscribe(domainEventsChannel(world.testRedis.prefix));
    sub.on('message', (_c, m: string) => events.push(m));

    await publishCustomerRecords(
      world,
      'acme.test',
      'app.acme.test',
      domain?.instructions.ownership.value ?? '',
    );
    const result = await verifyDomain(world.deps, { tenantId: acme.id, hostname: 'app.acme.test' });
    expect(result).toEqual({ outcome: 'verified' });
    const view = await getDomain({ ctx: world.ctx(acme), input: { hostname: 'app.acme.test' } });
    expect(view.status).toBe('verified');
    expect(view.certificate.status).toBe('pending_issuance');
    expect(view.events.map((e) => `${e.machine}:${e.to}`)).toEqual([
      'domain:pending_verification',
      'domain:verified',
      'certificate:pending_issuance',
    ]);
    await expect.poll(() => events.length).toBe(2);
    expect(JSON.parse(events[0] ?? '{}')).toMatchObject({
      hostname: 'app.acme.test',
      to: 'verified',
    });
    await sub.quit();
  });

  it('fails a domain whose verification window closed', async () => {
    const late = await world.tenant('late');
    await added(late, 'late.acme.test');
    advance(world.deps.policy.verifyWindowMs + 1);
    const result = await verifyDomain(world.deps, {
      tenantId: late.id,
      hostname: 'late.acme.test',
    });
    expect(result.outcome).toBe('failed');
    const view = await getDomain({ ctx: world.ctx(late), input: { hostname: 'late.acme.test' } });
    expect(view.status).toBe('failed');
    expect(view.reason).toMatch(/verification window closed/);
  });

  it("never checks another tenant's domain (the processor runs in the given tenant only)", async () => {
    const result = await verifyDomain(world.deps, {
      tenantId: globex.id,
      hostname: 'app.acme.test',
    });
    expect(result).toEqual({ outcome: 'skipped', status: 'missing' });
  });
});

describe('re-verification', () => {
  it('marks a domain whose records vanished dangling, then moved after the grace period', async () => {
    const ok = await reverifyDomain(world.deps, { tenantId: acme.id, hostname: 'app.acme.test' });
    expect(ok).toEqual({ outcome: 'ok' });
    await world.dnsHost.setRecords({ name: 'app.acme.test', type: 'A', values: ['192.0.2.7'] });
    const dangling = await reverifyDomain(world.deps, {
      tenantId: acme.id,
      hostname: 'app.acme.test',
    });
    expect(dangling.outcome).toBe('dangling');
    advance(world.deps.policy.danglingGraceMs);
    const moved = await reverifyDomain(world.deps, {
      tenantId: acme.id,
      hostname: 'app.acme.test',
    });
    expect(moved.outcome).toBe('moved');
    const view = await getDomain({ ctx: world.ctx(acme), input: { hostname: 'app.acme.test' } });
    expect(view.status).toBe('moved');
    expect(view.reason).toMatch(/not-routed/);
    expect(view.certificate.status).toBe('none');
  });
});
