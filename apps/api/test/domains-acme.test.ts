import { loadApiConfig } from '@tenantkit/config';
import {
  createDnsResolver,
  type DomainsDeps,
  defaultDomainPolicy,
  issueCertificate,
  PowerDnsProvider,
  renewCertificate,
  verifyDomain,
} from '@tenantkit/domains';
import { parseKeyRing } from '@tenantkit/identity';
import { startPebble, startPowerDns, type TestPebble, type TestPowerDns } from '@tenantkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiRuntime, startApi } from '../src/server.ts';
import { keyRingCipher } from '../src/services/domains.ts';
import { httpsGet, platformCertificate, randomKeyRing } from './domains-support.ts';
import {
  type ApiFixture,
  authHeaders,
  createApiFixture,
  createProject,
  json,
  PLATFORM_DOMAIN,
  type TestTenant,
  testServices,
} from './helpers.ts';

// The whole custom-domain path against real components: PowerDNS as the customer's DNS host,
// Pebble as the CA validating HTTP-01 against the api's real HTTP port, and an HTTPS request
// with SNI to the api's real HTTPS port.

interface DomainJson {
  hostname: string;
  status: string;
  certificate: { status: string; reason: string | null; nextAttemptAt: string | null };
  instructions: { ownership: { name: string; value: string } };
}

let fx: ApiFixture;
let acme: TestTenant;
let globex: TestTenant;
let pdns: TestPowerDns;
let pebble: TestPebble;
let api: ApiRuntime;
let deps: DomainsDeps;
let root: string;
let cert: ReturnType<typeof platformCertificate>;
let clock = new Date();

beforeAll(async () => {
  [fx, pdns] = await Promise.all([createApiFixture(), startPowerDns()]);
  [acme, globex] = [await fx.tenant('pooled', 'acme'), await fx.tenant('dedicated', 'globex')];
  cert = platformCertificate(PLATFORM_DOMAIN);
  const keyRing = randomKeyRing();
  api = await startApi({
    config: loadApiConfig({
      DATABASE_URL: fx.testDb.adminUrl,
      APP_DATABASE_URL: fx.testDb.appUrl,
      REDIS_URL: testServices.redisUrl,
      PLATFORM_DOMAIN,
      PORT: '0',
      HTTPS_PORT: '0',
      HOST: '127.0.0.1',
      TLS_CERT_FILE: cert.certFile,
      TLS_KEY_FILE: cert.keyFile,
      DNS_RESOLVERS: pdns.dnsServer,
      DOMAIN_APEX_ADDRESSES: '127.0.0.1',
      SECRETS_KEYRING: keyRing,
      LOG_LEVEL: 'silent',
      DATABASE_POOL_MAX: '3',
      SHUTDOWN_GRACE_MS: '1000',
    }),
    keyPrefix: fx.testRedis.prefix,
  });
  pebble = await startPebble({ httpPort: api.port, dnsServer: pdns.dnsServer });
  root = await pebble.issuerRootPem();
  deps = {
    db: fx.testDb.app,
    redis: fx.testRedis.redis,
    keyPrefix: fx.testRedis.prefix,
    secrets: keyRingCipher(parseKeyRing(keyRing)),
    dns: createDnsResolver([pdns.dnsServer], { timeoutMs: 1_000, tries: 1 }),
    routing: { cname: `custom.${PLATFORM_DOMAIN}`, addresses: ['127.0.0.1'] },
    policy: { ...defaultDomainPolicy, baseBackoffMs: 60_000 },
    acme: {
      directoryUrl: pebble.directoryUrl,
      contactEmail: 'certs@tenantkit.test',
      caBundlePem: pebble.listenerCaPem,
      challenge: 'http-01',
    },
    now: () => clock,
  };
  const customer = new PowerDnsProvider({ apiUrl: pdns.apiUrl, apiKey: pdns.apiKey });
  await customer.ensureZone('acme.test');
  await createProject(acme.client, { name: 'Acme rockets' });
  await createProject(globex.client, { name: 'Globex secrets' });
}, 120_000);

afterAll(async () => {
  await api?.close();
  await pebble?.close();
  await pdns?.close();
  await fx?.close();
  cert?.remove();
});

const customer = () => new PowerDnsProvider({ apiUrl: pdns.apiUrl, apiKey: pdns.apiKey });

/** What a tenant admin does: add the hostname, then publish the TXT and A records. */
async function addAndPublish(hostname: string): Promise<DomainJson> {
  const domain = await json<DomainJson>(await acme.client.post('/v1/domains', { hostname }), 201);
  await customer().setRecords({
    name: domain.instructions.ownership.name,
    type: 'TXT',
    values: [domain.instructions.ownership.value],
  });
  await customer().setRecords({ name: hostname, type: 'A', values: ['127.0.0.1'] });
  return domain;
}

const domainOf = async (hostname: string) =>
  json<DomainJson>(await acme.client.get(`/v1/domains/${hostname}`), 200);

describe('a custom domain end to end', () => {
  it('verifies, gets a certificate from the CA over HTTP-01 and serves acme over HTTPS by SNI', async () => {
    await addAndPublish('app.acme.test');
    expect(
      await verifyDomain(deps, { tenantId: acme.record.id, hostname: 'app.acme.test' }),
    ).toEqual({ outcome: 'verified' });
    const issued = await issueCertificate(deps, {
      tenantId: acme.record.id,
      hostname: 'app.acme.test',
    });
    expect(issued.outcome).toBe('issued');
    const domain = await domainOf('app.acme.test');
    expect(domain.status).toBe('active');
    expect(domain.certificate.status).toBe('issued');

    const res = await httpsGet(api.httpsPort ?? 0, 'app.acme.test', '/v1/projects', {
      ca: root,
      headers: authHeaders(acme.token, 'app.acme.test'),
    });
    expect(res.status).toBe(200);
    expect(res.peer.subjectaltname).toContain('DNS:app.acme.test');
    expect(res.body).toContain('Acme rockets');
    expect(res.body).not.toContain('Globex secrets');
    // globex's session means nothing on acme's custom domain.
    const foreign = await httpsGet(api.httpsPort ?? 0, 'app.acme.test', '/v1/projects', {
      ca: root,
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
    const res = await httpsGet(api.httpsPort ?? 0, `acme.${PLATFORM_DOMAIN}`, '/healthz', {
      ca: (await import('node:fs')).readFileSync(cert.certFile, 'utf8'),
    });
    expect(res.status).toBe(200);
    expect(res.peer.subjectaltname).toContain(`DNS:*.${PLATFORM_DOMAIN}`);
  });

  it('renews at two thirds of the lifetime and serves the new certificate without a restart', async () => {
    const before = await httpsGet(api.httpsPort ?? 0, 'app.acme.test', '/healthz', { ca: root });
    const due = await domainOf('app.acme.test');
    clock = new Date(Date.parse(due.certificate.nextAttemptAt ?? '') + 1_000);
    const renewed = await renewCertificate(deps, {
      tenantId: acme.record.id,
      hostname: 'app.acme.test',
    });
    expect(renewed.outcome).toBe('issued');
    const after = await httpsGet(api.httpsPort ?? 0, 'app.acme.test', '/healthz', { ca: root });
    expect(after.peer.serialNumber).not.toBe(before.peer.serialNumber);
    clock = new Date();
  });

  it('stops serving a removed domain at once and never renews it', async () => {
    const removed = await acme.client.delete('/v1/domains/app.acme.test');
    expect(removed.status).toBe(204);
    await expect(
      httpsGet(api.httpsPort ?? 0, 'app.acme.test', '/healthz', { ca: root }),
    ).rejects.toThrow();
    const plain = await fetch(`${api.url}/v1/projects`, {
      headers: { host: 'app.acme.test', ...authHeaders(acme.token, 'app.acme.test') },
    });
    expect(plain.status).toBe(404);
    clock = new Date(Date.now() + 400 * 86_400_000);
    const renewal = await renewCertificate(deps, {
      tenantId: acme.record.id,
      hostname: 'app.acme.test',
    });
    expect(renewal).toEqual({ outcome: 'skipped', reason: 'domain is removed' });
    clock = new Date();
  });
});
