import type { OpenAPIHono } from '@hono/zod-openapi';
import type { TestDnsServer } from '@tenantkit/testing';
import type { TestIdp } from '@tenantkit/testing/idp';
import { expect } from 'vitest';
import { type ApiClient, json, type TestTenant } from './helpers.ts';

/**
 * A browser for SSO tests: one cookie jar per origin, the api through `app.request` (by Host
 * header) and the IdP over real HTTP. Redirects are followed by hand, so tests can stop,
 * inspect or tamper with any hop.
 */
export class TestBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  constructor(
    private readonly app: OpenAPIHono,
    readonly host: string,
  ) {}

  cookies(origin: string): Map<string, string> {
    let jar = this.jars.get(origin);
    if (!jar) {
      jar = new Map();
      this.jars.set(origin, jar);
    }
    return jar;
  }

  private cookieHeader(origin: string): string {
    return [...this.cookies(origin)].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private store(origin: string, res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies(origin).delete(name);
      else this.cookies(origin).set(name, value);
    }
  }

  get appOrigin() {
    return `http://${this.host}`;
  }

  /** A request to the api on this browser's tenant host, with its cookies (same-origin). */
  async visit(method: string, path: string, body?: string): Promise<Response> {
    const headers: Record<string, string> = {
      host: this.host,
      cookie: this.cookieHeader(this.appOrigin),
    };
    if (method !== 'GET') {
      headers.origin = this.appOrigin;
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await this.app.request(path, { method, headers, body });
    this.store(this.appOrigin, res);
    return res;
  }

  /** A request to an IdP (real HTTP), with the IdP's cookies. */
  async idp(url: URL, init: { method?: string; body?: string } = {}): Promise<Response> {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      body: init.body,
      redirect: 'manual',
      headers: {
        cookie: this.cookieHeader(url.origin),
        ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
    });
    this.store(url.origin, res);
    return res;
  }

  sessionToken(): string | undefined {
    return this.cookies(this.appOrigin).get('__Host-tk_session');
  }
}

export function location(res: Response, base: string): URL {
  const value = res.headers.get('location');
  if (!value) expect.fail(`expected a redirect, got ${res.status}`);
  return new URL(value, base);
}

/**
 * Starts a sign-in on the api (`startPath`), signs in at the IdP as `login`, and returns the
 * callback URL the IdP sent the browser to, without following it. `tamper` may rewrite the
 * authorization request on its way to the IdP.
 */
export async function authorizeAtIdp(
  browser: TestBrowser,
  startPath: string,
  login: string,
  { tamper, method = 'GET' }: { tamper?: (url: URL) => URL; method?: 'GET' | 'POST' } = {},
): Promise<URL> {
  const [path, query] = startPath.split('?');
  const started =
    method === 'POST'
      ? await browser.visit('POST', path ?? '', query)
      : await browser.visit('GET', startPath);
  expect(started.status, await started.clone().text()).toBe(303);
  let url = location(started, browser.appOrigin);
  if (tamper) url = tamper(url);
  let res = await browser.idp(url);
  for (let hop = 0; hop < 10; hop += 1) {
    if (res.status === 200) {
      // The IdP's sign-in form, at the interaction URL we are on.
      res = await browser.idp(new URL(`${url.pathname}/login`, url.origin), {
        method: 'POST',
        body: new URLSearchParams({ login }).toString(),
      });
    }
    if (res.status !== 303 && res.status !== 302) {
      expect.fail(`IdP answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    }
    const next = location(res, url.origin);
    if (next.origin !== url.origin) return next;
    url = next;
    res = await browser.idp(url);
  }
  throw new Error('too many redirects at the IdP');
}

/** Follows the IdP's redirect back to the api (the callback). */
export function callback(browser: TestBrowser, url: URL): Promise<Response> {
  expect(url.host).toBe(browser.host);
  return browser.visit('GET', `${url.pathname}${url.search}`);
}

export interface SsoSetup {
  connectionId: string;
  clientId: string;
}

/** Proves `domain` for the tenant through the test DNS server, via the api. */
export async function proveDomain(
  admin: ApiClient,
  dns: TestDnsServer,
  domain: string,
): Promise<void> {
  const added = await json<{ record: { name: string; value: string } }>(
    await admin.post('/v1/sso/email-domains', { domain }),
    201,
  );
  dns.setTxt(added.record.name, [added.record.value]);
  const verified = await json<{ verified: boolean }>(
    await admin.post(`/v1/sso/email-domains/${domain}/verify`, {}),
    200,
  );
  expect(verified.verified).toBe(true);
}

let clientCounter = 0;

/** Creates a connection on the api, registers it as a client at the IdP, and enables it. */
export async function connectIdp(
  tenant: TestTenant,
  idp: TestIdp,
  body: Record<string, unknown> = {},
  { idpAlg, enable = true }: { idpAlg?: 'RS256' | 'ES256'; enable?: boolean } = {},
): Promise<SsoSetup> {
  clientCounter += 1;
  const clientId = `tenantkit-${clientCounter}`;
  const clientSecret = `secret-${clientCounter}-${Math.random().toString(36).slice(2)}`;
  const created = await json<{ id: string; redirectPath: string }>(
    await tenant.client.post('/v1/sso/connections', {
      name: `IdP ${clientCounter}`,
      issuer: idp.issuer,
      clientId,
      clientSecret,
      scopes: ['openid', 'email', 'profile', 'groups'],
      ...body,
    }),
    201,
  );
  idp.registerClient({
    clientId,
    clientSecret,
    redirectUris: [`http://${tenant.host}${created.redirectPath}`],
    idTokenAlg: idpAlg,
  });
  if (enable) {
    await json(await tenant.client.post(`/v1/sso/connections/${created.id}/enable`, {}), 200);
  }
  return { connectionId: created.id, clientId };
}
