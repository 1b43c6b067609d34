import { describe, expect, it } from 'vitest';
import { normalizeIssuer, normalizeScopes } from './connection-input.ts';
import { safeReturnTo } from './return-to.ts';

describe('safeReturnTo', () => {
  it('keeps paths on this host, with query and fragment', () => {
    expect(safeReturnTo(undefined)).toBe('/account');
    expect(safeReturnTo('/v1/projects?limit=5#top')).toBe('/v1/projects?limit=5#top');
    expect(safeReturnTo('/a/../b')).toBe('/b');
  });

  it('refuses anything that could leave the host', () => {
    for (const value of [
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      'javascript:alert(1)',
      'evil.example',
      '/\tevil',
      '/\nhttps://evil.example',
      `/${'a'.repeat(2048)}`,
    ]) {
      expect(safeReturnTo(value), JSON.stringify(value)).toBeNull();
    }
  });
});

describe('normalizeIssuer', () => {
  it('accepts https issuers and drops a trailing slash', () => {
    expect(normalizeIssuer('https://login.acme.com/', false)).toBe('https://login.acme.com');
    expect(normalizeIssuer('https://idp.acme.com/realms/acme', false)).toBe(
      'https://idp.acme.com/realms/acme',
    );
  });

  it('refuses discovery URLs, queries, credentials and plain http (except loopback when allowed)', () => {
    for (const value of [
      'https://login.acme.com/.well-known/openid-configuration',
      'https://login.acme.com/?x=1',
      'https://user:pw@login.acme.com',
      'http://login.acme.com',
      'ftp://login.acme.com',
      'https://10.0.0.5',
      'https://[::1]:8443',
      'https://169.254.169.254/latest',
      'https://idp.localhost',
      'not a url',
    ]) {
      expect(() => normalizeIssuer(value, true), value).toThrow();
    }
    expect(() => normalizeIssuer('http://127.0.0.1:8080', false)).toThrow();
    expect(normalizeIssuer('http://127.0.0.1:8080', true)).toBe('http://127.0.0.1:8080');
  });
});

describe('normalizeScopes', () => {
  it('requires openid and deduplicates', () => {
    expect(normalizeScopes(undefined)).toEqual(['openid', 'email', 'profile']);
    expect(normalizeScopes(['openid', 'groups', 'groups'])).toEqual(['openid', 'groups']);
    expect(() => normalizeScopes(['email'])).toThrow();
  });
});
