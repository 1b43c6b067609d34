import { issueCertificate, renewCertificate, verifyDomain } from '@tenantkit/domains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainStack, httpGet, httpsGet, startDomainStack } from './domains-support.ts';
import {
  type ApiFixture,
  authHeaders,
  createApiFixture,
  createProject,
  json,
  PLATFORM_DOMAIN,
  type TestTenant,
  waitFor,
} from './helpers.ts';

// The whole custom-domain path against real components: PowerDNS as the customer's DNS host,
// Pebble as the CA validating HTTP-01 against the api's real HTTP port, and an HTTPS request
// with SNI to the api's real HTTPS port.

export interface DomainJson {
  hostname: string;
  status: string;
  reason: string | null;
  certificate: { status: string; reason: string | null; nextAttemptAt: string | null };
  instructions: { ownership: { name: string; value: string } };
}

let fx: ApiFixture;
let acme: TestTenant;
let globex: TestTenant;
let stack: DomainStack;

beforeAll(async () => {
  fx = await createApiFixture();
  [acme, globex] = [await fx.tenant('pooled', 'acme'), await fx.tenant('dedicated', 'globex')];
  stack = await startDomainStack(fx);
  await createProject(acme.client, { name: 'Acme rockets' });
  await createProject(globex.client, { name: 'Globex secrets' });
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await fx?.close();
});

const tenantId = () => acme.record.id;
const httpsPort = () => stack.api.httpsPort ?? 0;
const domainOf = async (hostname: string) =>
  json<DomainJson>(await acme.client.get(`/v1/domains/${hostname}`), 200);

describe('a custom domain end to end', () => {
  it('verifies, gets a certificate from the CA over HTTP-01 and serves acme over HTTPS by SNI', async () => {
    const added = await json<DomainJson>(
      await acme.client.post('/v1/domains', { hostname: 'app.acme.test' }),
      201,
    );
    // What the customer does at their DNS host.
    await stack.customer.setRecords({
      name: added.instructions.ownership.name,
      type: 'TXT',
      values: [added.instructions.ownership.value],
    });
    await stack.customer.setRecords({ name: 'app.acme.test', type: 'A', values: ['127.0.0.1'] });

    const job = { tenantId: tenantId(), hostname: 'app.acme.test' };
    expect(await verifyDomain(stack.deps, job)).toEqual({ outcome: 'verified' });
    expect((await issueCertificate(stack.deps, job)).outcome).toBe('issued');
    const domain = await domainOf('app.acme.test');
    expect(domain.status).toBe('active');
    expect(domain.certificate.status).toBe('issued');

    const res = await httpsGet(httpsPort(), 'app.acme.test', '/v1/projects', {
      ca: stack.root,
      headers: authHeaders(acme.token, 'app.acme.test'),
    });
    expect(res.status).toBe(200);
    expect(res.peer.subjectaltname).toContain('DNS:app.acme.test');
    expect(res.body).toContain('Acme rockets');
    expect(res.body).not.toContain('Globex secrets');
    // globex's session means nothing on acme's custom domain.
    const foreign = await httpsGet(httpsPort(), 'app.acme.test', '/v1/projects', {
      ca: stack.root,
      headers: authHeaders(globex.token, 'app.acme.test'),
    });
    expect(foreign.status).toBe(401);
    // The private key is stored encrypted, never as PEM.
    const [row] = await fx.testDb.admin.sql<{ private_key_encrypted: string }[]>`
      select private_key_encrypted from domain_certificates where hostname = 'app.acme.test'`;
    expect(row?.private_key_encrypted).toMatch(/^v1\./);
    expect(row?.private_key_encrypted).not.toContain('PRIVATE KEY');
  });

  it('serves platform subdomains with the platform certificate on the same listener', async () => {
    const res = await httpsGet(httpsPort(), `acme.${PLATFORM_DOMAIN}`, '/healthz', {
      ca: stack.platformCertPem,
    });
    expect(res.status).toBe(200);
    expect(res.peer.subjectaltname).toContain(`DNS:*.${PLATFORM_DOMAIN}`);
  });

  it('renews at two thirds of the lifetime and serves the new certificate without a restart', async () => {
    const before = await httpsGet(httpsPort(), 'app.acme.test', '/healthz', { ca: stack.root });
    const due = await domainOf('app.acme.test');
    stack.clock.now = new Date(Date.parse(due.certificate.nextAttemptAt ?? '') + 1_000);
    const job = { tenantId: tenantId(), hostname: 'app.acme.test' };
    expect((await renewCertificate(stack.deps, job)).outcome).toBe('issued');
    // The new certificate reaches the listener's store through one pub/sub hop: poll briefly.
    let after = before;
    await waitFor(async () => {
      after = await httpsGet(httpsPort(), 'app.acme.test', '/healthz', { ca: stack.root });
      return after.peer.serialNumber !== before.peer.serialNumber;
    });
    expect(after.peer.serialNumber).not.toBe(before.peer.serialNumber);
    stack.clock.now = new Date();
  });

  it('issues over DNS-01 through the PowerDNS provider as well', async () => {
    const added = await json<DomainJson>(
      await acme.client.post('/v1/domains', { hostname: 'dns.acme.test' }),
      201,
    );
    await stack.customer.setRecords({
      name: added.instructions.ownership.name,
      type: 'TXT',
      values: [added.instructions.ownership.value],
    });
    await stack.customer.setRecords({ name: 'dns.acme.test', type: 'A', values: ['127.0.0.1'] });
    const job = { tenantId: tenantId(), hostname: 'dns.acme.test' };
    expect(await verifyDomain(stack.deps, job)).toEqual({ outcome: 'verified' });
    const acmeSettings = stack.deps.acme;
    if (!acmeSettings) throw new Error('no ACME settings');
    // The api's HTTP port is not involved: drop every HTTP-01 answer path by using DNS-01.
    const dns01 = {
      ...stack.deps,
      acme: { ...acmeSettings, challenge: 'dns-01' as const, dnsProvider: stack.customer },
    };
    expect((await issueCertificate(dns01, job)).outcome).toBe('issued');
    const res = await httpsGet(httpsPort(), 'dns.acme.test', '/healthz', { ca: stack.root });
    expect(res.peer.subjectaltname).toContain('DNS:dns.acme.test');
    // The challenge record is cleaned up afterwards.
    await expect(stack.deps.dns.resolveTxt('_acme-challenge.dns.acme.test')).rejects.toThrow();
  });

  it('stops serving a removed domain at once and never renews it', async () => {
    const headers = authHeaders(acme.token, 'app.acme.test');
    expect((await httpGet(stack.api.port, 'app.acme.test', '/v1/projects', headers)).status).toBe(
      200,
    );
    expect((await acme.client.delete('/v1/domains/app.acme.test')).status).toBe(204);
    // The running api hears of the removal through one pub/sub hop (certificate store and host
    // cache): give it that hop, then both doors must be shut.
    await waitFor(async () => {
      const refused = await httpsGet(httpsPort(), 'app.acme.test', '/healthz', {
        ca: stack.root,
      }).then(
        () => false,
        () => true,
      );
      return (
        refused &&
        (await httpGet(stack.api.port, 'app.acme.test', '/v1/projects', headers)).status === 404
      );
    });
    await expect(
      httpsGet(httpsPort(), 'app.acme.test', '/healthz', { ca: stack.root }),
    ).rejects.toThrow();
    const plain = await httpGet(stack.api.port, 'app.acme.test', '/v1/projects', headers);
    expect(plain.status).toBe(404);
    stack.clock.now = new Date(Date.now() + 400 * 86_400_000);
    const job = { tenantId: tenantId(), hostname: 'app.acme.test' };
    expect(await renewCertificate(stack.deps, job)).toEqual({
      outcome: 'skipped',
      reason: 'domain is removed',
    });
    stack.clock.now = new Date();
  });
});
