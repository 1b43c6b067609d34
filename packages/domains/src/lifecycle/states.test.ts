import { describe, expect, it } from 'vitest';
import { assertCertificateMove, assertDomainMove, backoffMs, renewalTime } from './states.ts';

describe('domain and certificate state machines', () => {
  it('allow the documented paths', () => {
    for (const [from, to] of [
      ['pending_verification', 'verified'],
      ['verified', 'active'],
      ['active', 'moved'],
      ['active', 'removed'],
      ['pending_verification', 'failed'],
      ['removed', 'pending_verification'],
    ] as const) {
      expect(() => assertDomainMove(from, to)).not.toThrow();
    }
    for (const [from, to] of [
      ['none', 'pending_issuance'],
      ['pending_issuance', 'issued'],
      ['issued', 'renewing'],
      ['renewing', 'issued'],
      ['renewing', 'expired'],
      ['pending_issuance', 'failed'],
    ] as const) {
      expect(() => assertCertificateMove(from, to)).not.toThrow();
    }
  });

  it('refuse shortcuts: no serving without verification, no certificate out of nothing', () => {
    expect(() => assertDomainMove('pending_verification', 'active')).toThrow(/cannot move/);
    expect(() => assertDomainMove('failed', 'active')).toThrow(/cannot move/);
    expect(() => assertDomainMove('moved', 'active')).toThrow(/cannot move/);
    expect(() => assertCertificateMove('none', 'issued')).toThrow(/cannot move/);
    expect(() => assertCertificateMove('failed', 'issued')).toThrow(/cannot move/);
  });

  it('back off exponentially up to the cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 1_000, 5_000))).toEqual([
      1_000, 2_000, 4_000, 5_000,
    ]);
    expect(backoffMs(500, 1_000, 5_000)).toBe(5_000);
  });

  it('renew at two thirds of the lifetime', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    const end = new Date('2026-04-01T00:00:00Z'); // 90 days
    expect(renewalTime(start, end).toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });
});
