import * as crypto from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { sha256Hex } from '../crypto/index.ts';
import { createInvitationToken, invitationSecretMatches, parseInvitationToken } from './token.ts';

// The comparison of the presented secret's hash with the stored one must run in constant
// time. Timings are not asserted (too noisy); instead the test checks that the decision is
// made by `crypto.timingSafeEqual` over equal-length digests, for matching and non-matching
// secrets alike, so no early-exit `===` decides it.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);

describe('invitation tokens', () => {
  beforeEach(() => {
    timingSafeEqual.mockClear();
  });

  it('are split tokens whose secret is stored only as SHA-256', () => {
    const { token, id, tokenHash } = createInvitationToken();
    const parsed = parseInvitationToken(token);
    expect(parsed?.id).toBe(id);
    expect(tokenHash).toBe(sha256Hex(parsed?.secret ?? ''));
    expect(token).not.toContain(tokenHash);
    expect(createInvitationToken().token).not.toBe(token);
  });

  it('parse refuses anything not exactly in the format', () => {
    const { token } = createInvitationToken();
    for (const bad of [`${token}x`, token.slice(1), token.replace('.', '-'), '', null, 42]) {
      expect(parseInvitationToken(bad)).toBeNull();
    }
  });

  it('compares hashes with timingSafeEqual, whether they match or not', () => {
    const { token, tokenHash } = createInvitationToken();
    const secret = parseInvitationToken(token)?.secret ?? '';
    expect(invitationSecretMatches(secret, tokenHash)).toBe(true);
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    const wrong = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'E' : 'A'}`;
    expect(invitationSecretMatches(wrong, tokenHash)).toBe(false);
    // A stored value of another length is still compared over equal-length digests.
    expect(invitationSecretMatches(secret, 'short')).toBe(false);
    expect(timingSafeEqual).toHaveBeenCalledTimes(3);
    for (const [a, b] of timingSafeEqual.mock.calls) {
      expect((a as Buffer).length).toBe((b as Buffer).length);
    }
  });
});
