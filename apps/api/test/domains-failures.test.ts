import { issueCertificate, verifyDomain } from '@tenantkit/domains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainJson } from './domains-acme.test.ts';
import { type DomainStack, httpsGet, startDomainStack } from './domains-support.ts';
import {
  type ApiFixture,
  createApiFixture,
  expectProblem,
  json,
  type TestTenant,
} from './helpers.ts';

// What goes wrong on the way to a certificate, against the same real PowerDNS and Pebble.

let fx: ApiFixture;
let acme: TestTenant;
let globex: TestTenant;
let stack: DomainStack;

beforeAll(async () => {
  fx = await createApiFixture();
  [acme, globex] = [await fx.tenant('pooled', 'acme'), await fx.tenant('pooled', 'globex')];
  await fx.testDb.admin.sql`update tenants set plan = 'pro' where id = ${acme.record.id}`;
  stack = await startDomainStack(fx);
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await fx?.close();
});

async function addVerified(hostname: string): Promise<void> {
  const added = await json<DomainJson>(await acme.client.post('/v1/domains', { hostname }), 201);
  await stack.customer.setRecords({
    name: added.instructions.ownership.name,
    type: 'TXT',
    values: [added.instructions.ownership.value],
  });
  await stack.customer.setRecords({ name: hostname, type: 'A', values: ['127.0.0.1'] });
  expect(await verifyDomain(stack.deps, { tenantId: acme.record.id, hostname })).toEqual({
    outcome: 'verified',
  });
}

const requireAcme = () => {
  if (!stack.deps.acme) throw new Error('stack has no ACME settings');
  return stack.deps.acme;
};
const rowOf = async (hostname: string) =>
  (
    await fx.testDb.admin.sql<
      { cert_status: string; cert_attempts: number; cert_order_url: string | null }[]
    >`select cert_status, cert_attempts, cert_order_url from tenant_domains
      where hostname = ${hostname}`
  )[0];
const certificatesOf = async (hostname: string) =>
  Number(
    (
      await fx.testDb.admin.sql<{ n: string }[]>`
        select count(*) as n from domain_certificates where hostname = ${hostname}`
    )[0]?.n,
  );
/** How many orders Pebble holds, from its own log ("There are now N orders in the db"). */
const ordersAtCa = () =>
  Math.max(
    0,
    ...[...stack.pebble.output().matchAll(/There are now (\d+) orders/g)].map((m) => Number(m[1])),
  );

describe('custom domain failures', () => {
  it("refuses another tenant's hostname with 409", async () => {
    await json(await globex.client.post('/v1/domains', { hostname: 'taken.acme.test' }), 201);
    const res = await acme.client.post('/v1/domains', { hostname: 'taken.acme.test' });
    await expectProblem(res, 409, 'hostname-taken');
  });

  it('keeps a domain with a wrong TXT record pending, with the reason, and never orders', async () => {
    await json(await acme.client.post('/v1/domains', { hostname: 'wrong.acme.test' }), 201);
    await stack.customer.setRecords({
      name: '_tenantkit-challenge.wrong.acme.test',
      type: 'TXT',
      values: ['tenantkit-verification=0123456789abcdef0123456789abcdef'],
    });
    const job = { tenantId: acme.record.id, hostname: 'wrong.acme.test' };
    const ordersBefore = ordersAtCa();
    expect((await verifyDomain(stack.deps, job)).outcome).toBe('pending');
    const domain = await json<DomainJson>(
      await acme.client.get('/v1/domains/wrong.acme.test'),
      200,
    );
    expect(domain.status).toBe('pending_verification');
    expect(domain.reason).toMatch(/^wrong-token/);
    // Only verified domains ever reach the CA.
    expect(await issueCertificate(stack.deps, job)).toEqual({
      outcome: 'skipped',
      reason: 'domain is pending_verification',
    });
    expect(ordersAtCa()).toBe(ordersBefore);
  });

  it('retries with backoff while the CA is unreachable, without duplicate orders', async () => {
    await addVerified('down.acme.test');
    const job = { tenantId: acme.record.id, hostname: 'down.acme.test' };
    const ordersBefore = ordersAtCa();
    const offline = {
      ...stack.deps,
      acme: { ...requireAcme(), directoryUrl: 'https://127.0.0.1:9/dir' },
    };
    const first = await issueCertificate(offline, job);
    expect(first.outcome).toBe('retrying');
    // Not due yet: a second run right away does nothing.
    expect(await issueCertificate(offline, job)).toEqual({
      outcome: 'skipped',
      reason: 'not due yet',
    });
    const waited = first.outcome === 'retrying' ? first.nextAttemptAt : new Date();
    stack.clock.now = new Date(waited.getTime() + 1);
    const second = await issueCertificate(offline, job);
    expect(second.outcome).toBe('retrying');
    if (first.outcome === 'retrying' && second.outcome === 'retrying') {
      const firstGap = first.nextAttemptAt.getTime() - Date.now();
      const secondGap = second.nextAttemptAt.getTime() - stack.clock.now.getTime();
      expect(secondGap).toBeGreaterThan(firstGap);
    }
    const row = await rowOf('down.acme.test');
    expect(row).toMatchObject({ cert_status: 'pending_issuance', cert_attempts: 2 });
    const domain = await json<DomainJson>(await acme.client.get('/v1/domains/down.acme.test'), 200);
    expect(domain.certificate.reason).toMatch(/^acme: CA unreachable: ECONNREFUSED/);

    // The CA is back: the next attempt issues exactly one certificate.
    stack.clock.now = new Date(
      (second.outcome === 'retrying' ? second.nextAttemptAt : new Date()).getTime() + 1,
    );
    expect((await issueCertificate(stack.deps, job)).outcome).toBe('issued');
    expect(await certificatesOf('down.acme.test')).toBe(1);
    expect(ordersAtCa()).toBe(ordersBefore + 1);
    stack.clock.now = new Date();
  });

  it('continues the same order after a worker dies mid-issuance: one certificate', async () => {
    await addVerified('crash.acme.test');
    const job = { tenantId: acme.record.id, hostname: 'crash.acme.test' };
    const ordersBefore = ordersAtCa();
    class WorkerKilled extends Error {}
    const crashed = await issueCertificate(stack.deps, job, {
      onStep: (step) => {
        if (step === 'order-created') throw new WorkerKilled('killed after ordering');
      },
    });
    expect(crashed.outcome).toBe('retrying');
    const afterCrash = await rowOf('crash.acme.test');
    expect(afterCrash?.cert_order_url).toMatch(/^https:\/\/127\.0\.0\.1/);

    const steps: string[] = [];
    stack.clock.now = new Date(Date.now() + 3_600_000);
    const retried = await issueCertificate(stack.deps, job, { onStep: (s) => void steps.push(s) });
    expect(retried.outcome).toBe('issued');
    expect(steps[0]).toBe('order-resumed');
    expect(steps).not.toContain('order-created');
    expect(await certificatesOf('crash.acme.test')).toBe(1);
    expect(ordersAtCa()).toBe(ordersBefore + 1);
    expect((await rowOf('crash.acme.test'))?.cert_order_url).toBeNull();
    stack.clock.now = new Date();
  });

  it('lets only one of two concurrent issuers place an order for a domain', async () => {
    await addVerified('race.acme.test');
    const job = { tenantId: acme.record.id, hostname: 'race.acme.test' };
    const ordersBefore = ordersAtCa();
    const outcomes = await Promise.all([
      issueCertificate(stack.deps, job),
      issueCertificate(stack.deps, job),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['issued', 'locked']);
    expect(await certificatesOf('race.acme.test')).toBe(1);
    expect(ordersAtCa()).toBe(ordersBefore + 1);
    const res = await httpsGet(stack.api.httpsPort ?? 0, 'race.acme.test', '/healthz', {
      ca: stack.root,
    });
    expect(res.peer.subjectaltname).toContain('DNS:race.acme.test');
  });

  it('rate-limits new orders per tenant: the domain waits for the next window, nothing is ordered', async () => {
    await addVerified('limited.acme.test');
    const job = { tenantId: acme.record.id, hostname: 'limited.acme.test' };
    const ordersBefore = ordersAtCa();
    const spent = { ...stack.deps, policy: { ...stack.deps.policy, tenantIssuesPerWindow: 0 } };
    const limited = await issueCertificate(spent, job);
    expect(limited.outcome).toBe('rate-limited');
    const domain = await json<DomainJson>(
      await acme.client.get('/v1/domains/limited.acme.test'),
      200,
    );
    expect(domain.certificate).toMatchObject({
      status: 'pending_issuance',
      reason: 'rate-limited',
    });
    expect(Date.parse(domain.certificate.nextAttemptAt ?? '')).toBeGreaterThan(Date.now());
    expect(ordersAtCa()).toBe(ordersBefore);
  });
});
