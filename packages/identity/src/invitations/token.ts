import { createSessionToken, parseSessionToken, verifySessionSecret } from '../crypto/index.ts';

/**
 * Invitation tokens use the split-token format of sessions, `<id>.<secret>`: the id (128
 * random bits) finds the row, the secret (256 random bits) is stored only as its SHA-256 and
 * compared in constant time. A database leak therefore yields no usable link, and the lookup
 * by id never compares secret material in SQL.
 */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function createInvitationToken(): { token: string; id: string; tokenHash: string } {
  const { token, id, secretHash } = createSessionToken();
  return { token, id, tokenHash: secretHash };
}

/** Null for anything not exactly in the format; never throws. */
export function parseInvitationToken(token: unknown): { id: string; secret: string } | null {
  return parseSessionToken(token);
}

/** SHA-256 of the presented secret against the stored hash, in constant time. */
export function invitationSecretMatches(secret: string, storedHash: string): boolean {
  return verifySessionSecret(secret, storedHash);
}
