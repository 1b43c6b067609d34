import { MFA_CHALLENGE_COOKIE, type MfaContext } from '@tenantkit/identity';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ApiDeps } from '../deps.ts';
import { identityContext } from './identity-context.ts';

/** The identity context plus the key ring that TOTP secrets are sealed with. */
export function mfaContext(c: Context, deps: ApiDeps): MfaContext {
  return { ...identityContext(c, deps), keyRing: deps.keyRing };
}

/**
 * The sign-in's MFA challenge travels only in this cookie: `__Host-` (this host only, which
 * also forces Path=/), HttpOnly, and SameSite=Strict, so no other site's request carries it.
 */
export const MFA_COOKIE = MFA_CHALLENGE_COOKIE;

export function setMfaChallengeCookie(c: Context, token: string, expiresAt: Date): void {
  setCookie(c, MFA_COOKIE, token, {
    path: '/',
    secure: true,
    httpOnly: true,
    sameSite: 'Strict',
    expires: expiresAt,
  });
}

export function readMfaChallengeCookie(c: Context): string | undefined {
  return getCookie(c, MFA_COOKIE);
}

export function clearMfaChallengeCookie(c: Context): void {
  deleteCookie(c, MFA_COOKIE, { path: '/', secure: true });
}
