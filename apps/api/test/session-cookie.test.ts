import { SESSION_COOKIE } from '@tenantkit/identity';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { describe, expect, it } from 'vitest';
import { readSessionCookie } from '../src/auth/session-cookie.ts';

/** What readSessionCookie and hono's getCookie make of one Cookie header. */
async function read(cookie: string | undefined) {
  const app = new Hono();
  app.get('/', (c) =>
    c.json({ ours: readSessionCookie(c) ?? null, hono: getCookie(c, SESSION_COOKIE) ?? null }),
  );
  const res = await app.request('/', { headers: cookie === undefined ? {} : { Cookie: cookie } });
  return (await res.json()) as { ours: string | null; hono: string | null };
}

describe('readSessionCookie', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['theme=dark', null],
    [`${SESSION_COOKIE}=abc.def`, 'abc.def'],
    [`theme=dark; ${SESSION_COOKIE}=abc.def; lang=en`, 'abc.def'],
    [`theme=dark;${SESSION_COOKIE}=abc.def`, 'abc.def'],
    // A longer name that ends in ours is another cookie; the real one follows.
    [`x${SESSION_COOKIE}=evil; ${SESSION_COOKIE}=good`, 'good'],
    [`x${SESSION_COOKIE}=evil`, null],
    // Two of ours: the first, as hono returns.
    [`${SESSION_COOKIE}=first; ${SESSION_COOKIE}=second`, 'first'],
    [`${SESSION_COOKIE}=  padded  ; a=b`, 'padded'],
  ])('reads %j as %j, like getCookie', async (header, expected) => {
    const { ours, hono } = await read(header);
    expect(ours).toBe(expected);
    expect(ours).toBe(hono);
  });
});
