import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { loadApiConfig } from '@tenantkit/config';
import {
  createDnsResolver,
  type DomainsDeps,
  defaultDomainPolicy,
  PowerDnsProvider,
} from '@tenantkit/domains';
import { parseKeyRing } from '@tenantkit/identity';
import { startPebble, startPowerDns, type TestPebble, type TestPowerDns } from '@tenantkit/testing';
import { type ApiRuntime, startApi } from '../src/server.ts';
import { keyRingCipher } from '../src/services/domains.ts';
import { type ApiFixture, PLATFORM_DOMAIN, testServices } from './helpers.ts';

/** A self-signed platform certificate for `*.<platformDomain>`, as TLS_CERT_FILE/KEY_FILE. */
export function platformCertificate(platformDomain: string): {
  certFile: string;
  keyFile: string;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'tk-platform-cert-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=*.${platformDomain}`,
      '-addext',
      `subjectAltName=DNS:*.${platformDomain},DNS:${platformDomain}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const randomKeyRing = () => `k1:${randomBytes(32).toString('base64')}`;

export interface HttpsAnswer {
  status: number;
  body: string;
  peer: PeerCertificate;
}

/**
 * One HTTPS request to 127.0.0.1:port with SNI `servername`, trusting exactly `ca` (the test
 * CA's root), so a wrong certificate fails the handshake instead of being accepted.
 */
export function httpsGet(
  port: number,
  servername: string,
  path: string,
  { ca, headers = {} }: { ca: string; headers?: Record<string, string> },
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        servername,
        path,
        ca,
        agent: false,
        headers: { host: servername, ...headers },
      },
      (res) => {
        const peer = (res.socket as TLSSocket).getPeerCertificate();
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, peer }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export interface DomainStack {
  pdns: TestPowerDns;
  pebble: TestPebble;
  api: ApiRuntime;
  /** What the worker's processors get, over the same database, Redis and key ring as the api. */
  deps: DomainsDeps;
  /** The customer's DNS host. */
  customer: PowerDnsProvider;
  /** Pebble's root: the only CA the test's HTTPS client trusts. */
  root: string;
  platformCertPem: string;
  /** The processors' clock (renewal and backoff are decided against it). */
  clock: { now: Date };
  close(): Promise<void>;
}

/**
 * The api on real HTTP and HTTPS ports over the fixture's database and Redis, PowerDNS as the
 * customer's DNS host (with zone `acme.test`), and Pebble validating HTTP-01 against the api.
 */
export async function startDomainStack(fx: ApiFixture): Promise<DomainStack> {
  const pdns = await startPowerDns();
  const cert = platformCertificate(PLATFORM_DOMAIN);
  const keyRing = randomKeyRing();
  const api = await startApi({
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
  const pebble = await startPebble({ httpPort: api.port, dnsServer: pdns.dnsServer });
  const clock = { now: new Date() };
  const deps: DomainsDeps = {
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
    now: () => clock.now,
  };
  const customer = new PowerDnsProvider({ apiUrl: pdns.apiUrl, apiKey: pdns.apiKey });
  await customer.ensureZone('acme.test');
  return {
    pdns,
    pebble,
    api,
    deps,
    customer,
    root: await pebble.issuerRootPem(),
    platformCertPem: readFileSync(cert.certFile, 'utf8'),
    clock,
    close: async () => {
      await api.close();
      await pebble.close();
      await pdns.close();
      cert.remove();
    },
  };
}

/** Plain HTTP with an explicit Host header (fetch cannot set Host). */
export function httpGet(
  port: number,
  host: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, agent: false, headers: { host, ...headers } },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
