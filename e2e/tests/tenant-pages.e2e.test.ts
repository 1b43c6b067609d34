import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsDir, type RunningSystem, startSystem } from '../system.ts';

let system: RunningSystem;

beforeAll(async () => {
  system = await startSystem();
});

afterAll(async () => {
  await system?.stop();
});

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

  it('shows globex its own projects and never acme’s', async () => {
    const page = await system.browser.newPage();
    const acme = await page.goto(`${system.tenantUrl('acme')}/v1/projects`);
    const acmeProjects = (await acme?.json()) as { items: { id: string; name: string }[] };
    expect(acmeProjects.items.map((p) => p.name)).toContain('Rocket skates');

    const globex = await page.goto(`${system.tenantUrl('globex')}/v1/projects`);
    expect(globex?.status()).toBe(200);
    const body = await page.locator('body').innerText();
    expect(body).toContain('Hammock district');
    expect(body).not.toContain('Rocket skates');

    // Acme's project id, asked for on globex's host, does not exist there.
    const acmeProjectId = acmeProjects.items[0]?.id;
    const crossTenant = await page.goto(
      `${system.tenantUrl('globex')}/v1/projects/${acmeProjectId}`,
    );
    expect(crossTenant?.status()).toBe(404);
    expect(await page.locator('body').innerText()).not.toContain('Rocket skates');
    await page.close();
  });

  it('answers an unknown workspace host with a problem that names no tenant', async () => {
    const page = await system.browser.newPage();
    const response = await page.goto(`${system.tenantUrl('nosuchco')}/docs`);
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toContain('application/problem+json');
    const text = await page.locator('body').innerText();
    expect(text).not.toMatch(/acme|globex|initech/i);
    await page.close();
  });
});
