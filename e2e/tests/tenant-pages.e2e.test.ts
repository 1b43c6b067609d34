import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSignIn,
  artifactsDir,
  DEMO_OWNERS,
  type RunningSystem,
  requestAs,
  startSystem,
} from '../system.ts';

let system: RunningSystem;

beforeAll(async () => {
  system = await startSystem();
});

afterAll(async () => {
  await system?.stop();
});

async function signIn(context: BrowserContext, slug: keyof typeof DEMO_OWNERS): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${system.tenantUrl(slug)}/login`);
  await page.getByLabel('Email').fill(DEMO_OWNERS[slug].email);
  await page.getByLabel('Password').fill(DEMO_OWNERS[slug].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${system.tenantUrl(slug)}/account`);
  return page;
}

describe('a tenant in a real browser', () => {
  it('renders the interactive API reference on the tenant host', async () => {
    const page = await system.browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${system.tenantUrl('acme')}/docs`);
    // Scalar builds the page client-side from /openapi.json: these only appear once it has.
    await expect
      .poll(() => page.getByText('List projects, oldest first').first().isVisible(), {
        timeout: 30_000,
      })
      .toBe(true);
    await expect.poll(() => page.getByText('Tenantkit API').first().isVisible()).toBe(true);
    await page.screenshot({ path: join(artifactsDir, 'acme-docs.png') });
    // Everything the page loaded came from the tenant's own origin.
    expect(failed.filter((url) => url.startsWith(system.tenantUrl('acme')))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('signs in, lists and revokes sessions, signs out; the cookie is worthless on another tenant', async () => {
    const laptop = await system.browser.newContext();
    const phone = await system.browser.newContext({ userAgent: 'e2e-phone' });
    const page = await signIn(laptop, 'acme');
    const other = await signIn(phone, 'acme');
    await page.reload();
    await expect
      .poll(() => page.getByTestId('account-email').textContent())
      .toBe('owner@acme.test');
    await expect.poll(() => page.locator('tr[data-session-id]').count()).toBe(2);
    await page.screenshot({ path: join(artifactsDir, 'acme-account.png') });

    // The phone's session is revoked from the laptop: the phone is signed out at once.
    await page
      .getByRole('row', { name: /e2e-phone/ })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await expect.poll(() => page.locator('tr[data-session-id]').count()).toBe(1);
    await other.goto(`${system.tenantUrl('acme')}/account`);
    expect(new URL(other.url()).pathname).toBe('/login');

    // Acme's cookie, sent to globex's host by hand (a browser never would), is no credential.
    const [cookie] = await laptop.cookies(system.tenantUrl('acme'));
    expect(cookie?.name).toBe('__Host-tk_session');
    expect(cookie?.httpOnly).toBe(true);
    const stolen = { cookie: `${cookie?.name}=${cookie?.value}` };
    const foreign = await requestAs(
      system.api.port,
      'globex.tenantkit.localhost',
      '/v1/projects',
      stolen,
    );
    expect(foreign.status).toBe(401);
    const home = await requestAs(
      system.api.port,
      'acme.tenantkit.localhost',
      '/v1/projects',
      stolen,
    );
    expect(home.status).toBe(200);
    // ...and the browser itself keeps it to acme's host.
    expect(await laptop.cookies(system.tenantUrl('globex'))).toEqual([]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${system.tenantUrl('acme')}/login`);
    const after = await requestAs(
      system.api.port,
      'acme.tenantkit.localhost',
      '/v1/projects',
      stolen,
    );
    expect(after.status).toBe(401);
    await Promise.all([laptop.close(), phone.close()]);
  });

  it('revokes a session that was created through the API, from the account page', async () => {
    const port = system.api.port;
    const host = 'acme.tenantkit.localhost';
    const script = await apiSignIn(port, host, DEMO_OWNERS.acme, 'e2e-api-script');
    expect((await requestAs(port, host, '/v1/projects', { cookie: script })).status).toBe(200);

    const context = await system.browser.newContext();
    const page = await signIn(context, 'acme');
    const row = page.getByRole('row', { name: /e2e-api-script/ });
    await expect.poll(() => row.count()).toBe(1);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.waitForURL(`${system.tenantUrl('acme')}/account`);
    await expect.poll(() => page.getByRole('row', { name: /e2e-api-script/ }).count()).toBe(0);
    // The script's cookie stopped working the moment it was revoked, on every route.
    expect((await requestAs(port, host, '/v1/projects', { cookie: script })).status).toBe(401);
    expect((await requestAs(port, host, '/auth/sessions', { cookie: script })).status).toBe(401);

    // The browser's own cookie is acme's only: globex's host does not know it.
    const [own] = await context.cookies(system.tenantUrl('acme'));
    const cookie = `${own?.name}=${own?.value}`;
    const globexHost = 'globex.tenantkit.localhost';
    expect((await requestAs(port, globexHost, '/auth/sessions', { cookie })).status).toBe(401);
    const onGlobex = await requestAs(port, globexHost, '/account', { cookie });
    expect(onGlobex.status).toBe(303);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${system.tenantUrl('acme')}/login`);
    expect((await requestAs(port, host, '/v1/projects', { cookie })).status).toBe(401);
    await context.close();
  });

  it('shows globex its own projects and never acme’s', async () => {
    const context = await system.browser.newContext();
    await signIn(context, 'acme');
    await signIn(context, 'globex');
    const page = await context.newPage();
    const acme = await page.goto(`${system.tenantUrl('acme')}/v1/projects`);
    const acmeProjects = (await acme?.json()) as { items: { id: string; name: string }[] };
    expect(acmeProjects.items.map((p) => p.name)).toContain('Rocket skates');

    const globex = await page.goto(`${system.tenantUrl('globex')}/v1/projects`);
    expect(globex?.status()).toBe(200);
    const body = await page.locator('body').textContent();
    expect(body).toContain('Hammock district');
    expect(body).not.toContain('Rocket skates');

    // Acme's project id, asked for on globex's host by globex's owner, does not exist there.
    const acmeProjectId = acmeProjects.items[0]?.id;
    const crossTenant = await page.goto(
      `${system.tenantUrl('globex')}/v1/projects/${acmeProjectId}`,
    );
    expect(crossTenant?.status()).toBe(404);
    expect(await page.locator('body').textContent()).not.toContain('Rocket skates');
    await context.close();
  });

  it('answers an unknown workspace host with a problem that names no tenant', async () => {
    const page = await system.browser.newPage();
    const response = await page.goto(`${system.tenantUrl('nosuchco')}/docs`);
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toContain('application/problem+json');
    const text = await page.locator('body').textContent();
    expect(text).not.toMatch(/acme|globex|initech/i);
    await page.close();
  });
});
