import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  artifactsDir,
  DEMO_OWNERS,
  type RunningSystem,
  requestAs,
  startSystem,
} from '../system.ts';
import { authenticator, totpAt } from '../totp.ts';

// A system of its own: enrolling acme's owner in MFA must not change what other files see.
let system: RunningSystem;

beforeAll(async () => {
  system = await startSystem();
});

afterAll(async () => {
  await system?.stop();
});

const owner = DEMO_OWNERS.acme;

async function passwordStep(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${system.tenantUrl('acme')}/login`);
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

describe('two-factor authentication in a real browser', () => {
  it('enrols on the account page, then signs in with a code and, once, with a recovery code', async () => {
    const context = await system.browser.newContext();
    const page = await passwordStep(context);
    await page.waitForURL(`${system.tenantUrl('acme')}/account`);
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await page.getByTestId('totp-uri').textContent()).toContain(`secret=${secret}`);
    const app = authenticator(secret);

    // A wrong code keeps the same secret on screen with an error.
    const wrong = totpAt(secret, Math.floor(Date.now() / 30_000) + 6);
    await page.getByLabel('Code from the app').fill(wrong);
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('not valid');
    expect(await page.getByTestId('totp-secret').textContent()).toBe(secret);

    await page.getByLabel('Code from the app').fill(app.next());
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    const codes = page.getByTestId('recovery-codes').locator('li');
    await expect.poll(() => codes.count()).toBe(10);
    const recoveryCodes = await codes.allTextContents();
    expect(await page.getByTestId('mfa-status').textContent()).toContain('On since');
    await page.screenshot({ path: join(artifactsDir, 'acme-mfa-enabled.png') });
    // Shown once: a reload of the account page no longer has them.
    await page.goto(`${system.tenantUrl('acme')}/account`);
    expect(await page.getByTestId('recovery-codes').count()).toBe(0);
    expect(await page.getByTestId('mfa-status').textContent()).toContain('Recovery codes left: 10');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${system.tenantUrl('acme')}/login`);
    await context.close();

    // The password alone is no longer enough: the second step asks for a code.
    const laptop = await system.browser.newContext();
    const signIn = await passwordStep(laptop);
    await expect
      .poll(() => signIn.getByRole('heading', { level: 1 }).textContent())
      .toBe('Two-factor authentication');
    expect(await laptop.cookies(system.tenantUrl('acme'))).not.toContainEqual(
      expect.objectContaining({ name: '__Host-tk_session' }),
    );
    await signIn.getByLabel('Authentication code').fill(wrong);
    await signIn.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => signIn.getByRole('alert').textContent()).toContain('not valid');
    await signIn.getByLabel('Authentication code').fill(app.next());
    await signIn.getByRole('button', { name: 'Verify' }).click();
    await signIn.waitForURL(`${system.tenantUrl('acme')}/account`);
    expect(await signIn.getByTestId('account-email').textContent()).toBe(owner.email);
    const cookies = await laptop.cookies(system.tenantUrl('acme'));
    expect(cookies.map((c) => c.name)).toContain('__Host-tk_session');
    expect(cookies.map((c) => c.name)).not.toContain('__Host-tk_mfa');
    await laptop.close();

    // A recovery code signs in once; the same code a second time does not.
    const recovery = recoveryCodes[0] ?? '';
    for (const expected of ['/account', '/login/mfa']) {
      const phone = await system.browser.newContext();
      const step = await passwordStep(phone);
      await step.getByLabel('Authentication code').fill(recovery);
      await step.getByRole('button', { name: 'Verify' }).click();
      await step.waitForURL(`${system.tenantUrl('acme')}${expected}`);
      if (expected === '/account') {
        expect(await step.getByTestId('mfa-status').textContent()).toContain(
          'Recovery codes left: 9',
        );
      } else {
        expect(await step.getByRole('alert').textContent()).toContain('not valid');
      }
      await phone.close();
    }
  }, 180_000);

  it('keeps the MFA challenge to the browser and the tenant that started it', async () => {
    const context = await system.browser.newContext();
    const step = await passwordStep(context);
    await expect.poll(() => step.getByLabel('Authentication code').count()).toBe(1);
    const challenge = (await context.cookies(system.tenantUrl('acme'))).find(
      (c) => c.name === '__Host-tk_mfa',
    );
    expect(challenge?.httpOnly).toBe(true);
    const cookie = `${challenge?.name}=${challenge?.value}`;
    const res = await requestAs(
      system.api.port,
      'globex.tenantkit.localhost',
      '/auth/login/mfa',
      { cookie },
      { method: 'POST', json: { code: '123456' } },
    );
    expect(res.status).toBe(401);
    expect(res.body).toContain('mfa-challenge-invalid');
    expect(await context.cookies(system.tenantUrl('globex'))).toEqual([]);
    await context.close();
  });
});
