import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AzureDnsProvider,
  CloudflareDnsProvider,
  createDnsResolver,
  DnsProviderError,
  PowerDnsProvider,
} from '../src/index.ts';
import { startCaptureServer } from './capture-server.ts';
import { startPowerDns, type TestPowerDns } from './support.ts';

describe('PowerDNS provider (against a real pdns_server)', () => {
  let pdns: TestPowerDns;
  let provider: PowerDnsProvider;
  beforeAll(async () => {
    pdns = await startPowerDns();
    provider = new PowerDnsProvider({ apiUrl: pdns.apiUrl, apiKey: pdns.apiKey });
    await provider.ensureZone('example.test');
    await provider.ensureZone('example.test'); // idempotent
  });
  afterAll(async () => {
    await pdns?.close();
  });
  const resolver = () => createDnsResolver([pdns.dnsServer], { timeoutMs: 1_000, tries: 1 });

  it('replaces, answers and deletes TXT and A records in the longest matching zone', async () => {
    await provider.ensureZone('sub.example.test');
    await provider.setRecords({
      name: '_x.a.sub.example.test',
      type: 'TXT',
      values: ['one', 'two "q"'],
    });
    expect(
      (await resolver().resolveTxt('_x.a.sub.example.test')).map((r) => r.join('')).sort(),
    ).toEqual(['one', 'two "q"']);
    await provider.setRecords({ name: '_x.a.sub.example.test', type: 'TXT', values: ['three'] });
    expect(await resolver().resolveTxt('_x.a.sub.example.test')).toEqual([['three']]);
    await provider.setRecords({ name: 'www.example.test', type: 'A', values: ['192.0.2.1'] });
    expect(await resolver().resolve4('www.example.test')).toEqual(['192.0.2.1']);
    await provider.deleteRecords({ name: '_x.a.sub.example.test', type: 'TXT' });
    await expect(resolver().resolveTxt('_x.a.sub.example.test')).rejects.toMatchObject({
      code: expect.stringMatching(/ENOTFOUND|ENODATA/),
    });
  });

  it('refuses names outside its zones and a wrong API key, with the provider error', async () => {
    await expect(
      provider.setRecords({ name: 'x.elsewhere.test', type: 'TXT', values: ['v'] }),
    ).rejects.toBeInstanceOf(DnsProviderError);
    const wrongKey = new PowerDnsProvider({ apiUrl: pdns.apiUrl, apiKey: 'wrong' });
    await expect(
      wrongKey.setRecords({ name: 'x.example.test', type: 'TXT', values: ['v'] }),
    ).rejects.toMatchObject({ status: 401 });
  });
});

describe('Cloudflare provider (request shapes)', () => {
  it('finds the zone by suffix, deletes the old records and creates one per value', async () => {
    const api = await startCaptureServer((req) => {
      if (req.path.startsWith('/client/v4/zones?name=example.com')) {
        return {
          status: 200,
          body: { success: true, result: [{ id: 'z1', name: 'example.com' }] },
        };
      }
      if (req.path.startsWith('/client/v4/zones?'))
        return { status: 200, body: { success: true, result: [] } };
      if (req.method === 'GET') {
        return { status: 200, body: { success: true, result: [{ id: 'old-1' }] } };
      }
      return { status: 200, body: { success: true, result: {} } };
    });
    const provider = new CloudflareDnsProvider({
      apiToken: 'cf-token',
      baseUrl: `${api.url}/client/v4`,
    });
    await provider.setRecords({
      name: '_acme-challenge.app.example.com',
      type: 'TXT',
      values: ['k1', 'k2'],
    });
    await api.close();
    const calls = api.requests.map((r) => `${r.method} ${decodeURIComponent(r.path)}`);
    expect(calls).toEqual([
      'GET /client/v4/zones?name=_acme-challenge.app.example.com',
      'GET /client/v4/zones?name=app.example.com',
      'GET /client/v4/zones?name=example.com',
      'GET /client/v4/zones/z1/dns_records?type=TXT&name=_acme-challenge.app.example.com&per_page=100',
      'DELETE /client/v4/zones/z1/dns_records/old-1',
      'POST /client/v4/zones/z1/dns_records',
      'POST /client/v4/zones/z1/dns_records',
    ]);
    expect(api.requests.every((r) => r.headers.authorization === 'Bearer cf-token')).toBe(true);
    expect(api.requests.at(-1)?.body).toEqual({
      type: 'TXT',
      name: '_acme-challenge.app.example.com',
      content: 'k2',
      ttl: 60,
    });
  });

  it('surfaces an unsuccessful envelope as a provider error', async () => {
    const api = await startCaptureServer(() => ({
      status: 200,
      body: {
        success: false,
        errors: [{ code: 9109, message: 'Invalid access token' }],
        result: null,
      },
    }));
    const provider = new CloudflareDnsProvider({ apiToken: 'bad', baseUrl: api.url });
    await expect(provider.deleteRecords({ name: 'a.example.com', type: 'TXT' })).rejects.toThrow(
      /9109 Invalid access token/,
    );
    await api.close();
  });
});

describe('Azure DNS provider (request shapes)', () => {
  it('PUTs whole record sets relative to the zone, chunking long TXT values, and DELETEs them', async () => {
    const api = await startCaptureServer((req) => ({
      status: req.method === 'DELETE' ? 204 : 200,
      body: req.method === 'DELETE' ? undefined : {},
    }));
    const provider = new AzureDnsProvider({
      subscriptionId: 'sub-1',
      resourceGroup: 'rg-dns',
      zones: ['example.com', 'customers.example.com'],
      getAccessToken: async () => 'arm-token',
      baseUrl: api.url,
    });
    const long = 'x'.repeat(300);
    await provider.setRecords({
      name: '_acme-challenge.a.customers.example.com',
      type: 'TXT',
      values: [long],
    });
    await provider.setRecords({ name: 'example.com', type: 'A', values: ['192.0.2.10'], ttl: 300 });
    await provider.deleteRecords({ name: '_acme-challenge.a.customers.example.com', type: 'TXT' });
    await api.close();
    const base = '/subscriptions/sub-1/resourceGroups/rg-dns/providers/Microsoft.Network/dnsZones';
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT ${base}/customers.example.com/TXT/_acme-challenge.a?api-version=2018-05-01`,
      `PUT ${base}/example.com/A/%40?api-version=2018-05-01`,
      `DELETE ${base}/customers.example.com/TXT/_acme-challenge.a?api-version=2018-05-01`,
    ]);
    expect(api.requests[0]?.body).toEqual({
      properties: { TTL: 60, TXTRecords: [{ value: ['x'.repeat(255), 'x'.repeat(45)] }] },
    });
    expect(api.requests[1]?.body).toEqual({
      properties: { TTL: 300, ARecords: [{ ipv4Address: '192.0.2.10' }] },
    });
    expect(api.requests.every((r) => r.headers.authorization === 'Bearer arm-token')).toBe(true);
  });

  it('refuses names outside its zones without calling Azure', async () => {
    const provider = new AzureDnsProvider({
      subscriptionId: 's',
      resourceGroup: 'r',
      zones: ['example.com'],
      getAccessToken: async () => {
        throw new Error('must not be asked');
      },
    });
    await expect(
      provider.setRecords({ name: 'a.other.org', type: 'TXT', values: ['v'] }),
    ).rejects.toBeInstanceOf(DnsProviderError);
  });
});
