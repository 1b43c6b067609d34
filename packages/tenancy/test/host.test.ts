import { describe, expect, it } from 'vitest';
import { normalizeHost, platformSlug, requestHost } from '../src/index.ts';

describe('normalizeHost', () => {
  it.each([
    ['ACME.Example.COM', 'acme.example.com'],
    ['acme.example.com:8443', 'acme.example.com'],
    ['acme.example.com.', 'acme.example.com'],
    ['Acme.Example.com.:443', 'acme.example.com'],
    ['  acme.example.com  ', 'acme.example.com'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['BÜCHER.example:80', 'xn--bcher-kva.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['_dmarc.example.com', '_dmarc.example.com'],
    ['localhost', 'localhost'],
  ])('%j -> %j', (raw, expected) => {
    expect(normalizeHost(raw)).toBe(expected);
  });

  it.each([
    ['IPv4', '127.0.0.1'],
    ['IPv4 with port', '10.1.2.3:8080'],
    ['short IPv4', '127.1'],
    ['IPv6', '[::1]'],
    ['IPv6 with port', '[2001:db8::1]:443'],
    ['bare IPv6', '2001:db8::1'],
    ['bare IPv6 loopback', '::1'],
  ])('%s literal %j -> null', (_, raw) => {
    expect(normalizeHost(raw)).toBeNull();
  });

  const label63 = 'a'.repeat(63);
  const longest = [label63, label63, label63, 'a'.repeat(61)].join('.'); // 253 characters

  it('accepts a name of exactly 253 characters with 63-character labels', () => {
    expect(longest).toHaveLength(253);
    expect(normalizeHost(longest)).toBe(longest);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['empty', ''],
    ['blank', '   '],
    ['a lone dot', '.'],
    ['254 characters', `${longest}a`],
    ['a 64-character label', `${'a'.repeat(64)}.example`],
    ['an empty label', 'acme..example'],
    ['two trailing dots', 'acme.example..'],
    ['a space inside', 'ac me.example'],
    ['a slash', 'acme.example/evil'],
    ['userinfo', 'user@acme.example'],
    ['a leading hyphen', '-acme.example'],
    ['a trailing hyphen in a label', 'acme-.example'],
    ['a non-numeric port', 'acme.example:http'],
    ['an empty port', 'acme.example:'],
    ['a six-digit port', 'acme.example:123456'],
    ['a control character', 'acme\u0000.example'],
    ['a percent-encoded name', 'acme%2eexample'],
  ])('%s -> null', (_, raw) => {
    expect(normalizeHost(raw)).toBeNull();
  });
});

describe('requestHost', () => {
  const proxies = new Set(['10.0.0.1', '2001:db8::10']);

  it('uses Host and ignores X-Forwarded-Host from a peer that is not a trusted proxy', () => {
    expect(
      requestHost(
        {
          host: 'acme.example.com',
          forwardedHost: 'victim.example.com',
          remoteAddress: '203.0.113.7',
        },
        proxies,
      ),
    ).toBe('acme.example.com');
  });

  it('ignores X-Forwarded-Host when the peer address is unknown', () => {
    expect(
      requestHost(
        { host: 'acme.example.com', forwardedHost: 'victim.example.com', remoteAddress: undefined },
        proxies,
      ),
    ).toBe('acme.example.com');
  });

  it('believes X-Forwarded-Host from a trusted proxy, taking its first value, normalised', () => {
    expect(
      requestHost(
        {
          host: 'internal:8080',
          forwardedHost: 'Acme.Example.COM:443, proxy.internal',
          remoteAddress: '10.0.0.1',
        },
        proxies,
      ),
    ).toBe('acme.example.com');
  });

  it('recognises a trusted IPv4 proxy behind an IPv4-mapped IPv6 address', () => {
    expect(
      requestHost(
        { host: 'internal', forwardedHost: 'acme.example.com', remoteAddress: '::ffff:10.0.0.1' },
        proxies,
      ),
    ).toBe('acme.example.com');
    expect(
      requestHost(
        { host: 'internal', forwardedHost: 'acme.example.com', remoteAddress: '::ffff:10.0.0.2' },
        proxies,
      ),
    ).toBe('internal');
  });

  it('trusts an IPv6 proxy by its address', () => {
    expect(
      requestHost(
        { host: 'internal', forwardedHost: 'acme.example.com', remoteAddress: '2001:db8::10' },
        proxies,
      ),
    ).toBe('acme.example.com');
  });

  it('falls back to Host when a trusted proxy sends no X-Forwarded-Host', () => {
    expect(
      requestHost(
        { host: 'ACME.example.com', forwardedHost: undefined, remoteAddress: '10.0.0.1' },
        proxies,
      ),
    ).toBe('acme.example.com');
  });

  it("does not fall back to Host when a trusted proxy's forwarded host is invalid", () => {
    expect(
      requestHost(
        { host: 'acme.example.com', forwardedHost: '127.0.0.1', remoteAddress: '10.0.0.1' },
        proxies,
      ),
    ).toBeNull();
  });

  it('returns null for an invalid Host', () => {
    expect(
      requestHost(
        { host: '[::1]:3000', forwardedHost: undefined, remoteAddress: '203.0.113.7' },
        proxies,
      ),
    ).toBeNull();
  });
});

describe('platformSlug', () => {
  const domain = 'tenantkit.localhost';

  it.each([
    ['acme.tenantkit.localhost', 'acme'],
    ['a-b-c.tenantkit.localhost', 'a-b-c'],
  ])('%j -> %j', (host, slug) => {
    expect(platformSlug(host, domain)).toBe(slug);
  });

  it.each([
    ['the platform domain itself', 'tenantkit.localhost'],
    ['a deeper subdomain', 'www.acme.tenantkit.localhost'],
    ['a custom domain', 'acme.example.com'],
    ['a look-alike suffix', 'acme.eviltenantkit.localhost'],
    ['a suffix without the dot', 'acmetenantkit.localhost'],
    ['an empty label', '.tenantkit.localhost'],
  ])('%s -> null', (_, host) => {
    expect(platformSlug(host, domain)).toBeNull();
  });
});
