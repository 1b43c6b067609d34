import { join } from 'node:path';
import { startTestDnsServer, type TestDnsServer } from '@tenantkit/testing';
import { startTestIdp, type TestIdp } from '@tenantkit/testing/idp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsDir, DEMO_OWNERS, type RunningSystem, startSystem } from '../system.ts';

// Enterprise SSO in a real browser: Acme proves acme.test, connects its IdP (a real OpenID
// Provider on loopback), and a person with only an IdP account signs in from the login page.

let system: RunningSystem;
let dns: TestDnsServer;
let idp: TestIdp;

beforeAll(async () => {
  dns = await startTestDnsServer();
  idp = await startTestIdp({
    accounts: [
      { login: 'grace', email: 'grace@acme.test', name: 'Grace', groups: ['acme-admins'] },
    ],
  });
  system = await startSystem({
    env: { DNS_RESOLVERS: dns.server, SSO_HTTP_ISSUERS: 'true' },
  });
});

afterAll(async () => {
  await system?.stop();
  await Promise.all([idp?.close(), dns?.close()]);
});

/** The owner sets SSO up through the API, with the session of their own browser. */
async function configureSso(owner: Page, acmeUrl: string): Promise<void> {
  // In-page fetch from the API reference (its CSP allows connect-src 'self'; the console pages
  // allow no scripts): same origin, the owner's cookie, as "try it" in /docs would send.
  await owner.goto(`${acmeUrl}/docs`, { waitUntil: 'commit' });
  const call = async (path: string, data: unknown) => {
    const res = await owner.evaluate(
      async ([url, body]) => {
        const r = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: r.status, text: await r.text() };
      },
      [`${acmeUrl}${path}`, data] as const,
    );
    expect(res.status, `${path}: ${res.text}`).toBeLessThan(300);
    return JSON.parse(res.text);
  };
  const domain = await call('/v1/sso/email-domains', { domain: 'acme.test' });
  dns.setTxt(domain.record.name, [domain.record.value]);
  expect((await call('/v1/sso/email-domains/acme.test/verify', {})).verified).toBe(true);
  const connection = await call('/v1/sso/connections', {
    name: 'Acme IdP',
    issuer: idp.issuer,
    clientId: 'tenantkit-acme',
    clientSecret: 'e2e-client-secret',
    scopes: ['openid', 'email', 'profile', 'groups'],
    groupRoles: { 'acme-admins': ['admin'] },
    jitEnabled: true,
    emailDomains: ['acme.test'],
  });
  idp.registerClient({
    clientId: 'tenantkit-acme',
    clientSecret: 'e2e-client-secret',
    redirectUris: [`${acmeUrl}${connection.redirectPath}`],
  });
  await call(`/v1/sso/connections/${connection.id}/enable`, {});
}

describe('SSO in a real browser', () => {
  it('signs in through the IdP from the email alone and shows the mapped role', async () => {
    const acmeUrl = system.tenantUrl('acme');
    const ownerContext = await system.browser.newContext();
    const owner = await ownerContext.newPage();
    await owner.goto(`${acmeUrl}/login`);
    await owner.getByLabel('Email').fill(DEMO_OWNERS.acme.email);
    await owner.getByLabel('Password').fill(DEMO_OWNERS.acme.password);
    await owner.getByRole('button', { name: 'Sign in' }).click();
    await owner.waitForURL(`${acmeUrl}/account`);
    await configureSso(owner, acmeUrl);
    await ownerContext.close();

    const context = await system.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${acmeUrl}/login`);
    await page.getByLabel('Email').fill('grace@acme.test');
    await page.getByRole('button', { name: 'Continue with SSO' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${idp.issuer}/interaction/`));
    await page.screenshot({ path: join(artifactsDir, 'sso-idp-login.png') });
    await page.getByLabel('IdP username').fill('grace');
    await page.getByRole('button', { name: 'Sign in at IdP' }).click();
    await page.waitForURL(`${acmeUrl}/account`);
    await expect
      .poll(() => page.getByTestId('account-email').textContent())
      .toBe('grace@acme.test');
    await expect.poll(() => page.getByTestId('roles').textContent()).toBe('admin (from SSO)');
    expect(await page.getByTestId('permissions').textContent()).toContain('sso:manage');
    await page.screenshot({ path: join(artifactsDir, 'sso-account.png') });
    const [cookie] = (await context.cookies(acmeUrl)).filter((c) => c.name === '__Host-tk_session');
    expect(cookie?.httpOnly).toBe(true);
    await context.close();
  });
});
