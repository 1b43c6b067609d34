import { request } from 'node:http';
import { join } from 'node:path';
import { startTestSmtpServer, type TestSmtpServer } from '@tenantkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsDir, DEMO_OWNERS, type RunningSystem, startSystem } from '../system.ts';

let smtp: TestSmtpServer;
let system: RunningSystem;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  system = await startSystem({
    env: { SMTP_URL: smtp.url, MAIL_FROM: 'Acme <no-reply@acme.test>' },
  });
});

afterAll(async () => {
  await system?.stop();
  await smtp?.close();
});

describe('an invitation in a real browser', () => {
  it('the owner invites, the invitee follows the mailed link, sets a password and is signed in', async () => {
    const acme = system.tenantUrl('acme');
    const ownerContext = await system.browser.newContext();
    const owner = await ownerContext.newPage();
    await owner.goto(`${acme}/login`);
    await owner.getByLabel('Email').fill(DEMO_OWNERS.acme.email);
    await owner.getByLabel('Password').fill(DEMO_OWNERS.acme.password);
    await owner.getByRole('button', { name: 'Sign in' }).click();
    await owner.waitForURL(`${acme}/account`);
    // Invite with the owner's browser session, from the tenant's origin (as its console would).
    const [cookie] = (await ownerContext.cookies(acme)).filter(
      (c) => c.name === '__Host-tk_session',
    );
    const status = await postJson(system.api.port, new URL(acme).host, '/v1/invitations', {
      body: { email: 'newcomer@acme.test', roleKeys: ['member'] },
      headers: { cookie: `__Host-tk_session=${cookie?.value}`, origin: acme },
    });
    expect(status).toBe(201);

    const mail = await smtp.waitForMessage('newcomer@acme.test');
    const link = /https?:\/\/\S+\/invitations\/accept\?token=\S+/.exec(mail.text)?.[0];
    expect(link?.startsWith(`${acme}/invitations/accept?token=`)).toBe(true);

    const invitee = await (await system.browser.newContext()).newPage();
    await invitee.goto(link ?? '');
    await expect.poll(() => invitee.getByText('newcomer@acme.test').isVisible()).toBe(true);
    // A weak password is refused on the page, with the reason, and the form kept.
    await invitee.getByLabel('Your name').fill('New Comer');
    await invitee.getByLabel('Password').fill('password1234');
    await invitee.getByRole('button', { name: /Join/ }).click();
    await expect.poll(() => invitee.getByRole('alert').textContent()).toMatch(/not acceptable/);
    await invitee.getByLabel('Password').fill('a sturdy passphrase for acme');
    await invitee.getByRole('button', { name: /Join/ }).click();
    await invitee.waitForURL(`${acme}/account`);
    await expect.poll(() => invitee.getByText('newcomer@acme.test').first().isVisible()).toBe(true);
    await invitee.screenshot({ path: join(artifactsDir, 'acme-invitation-accepted.png') });

    // The link is single-use.
    const again = await (await system.browser.newContext()).newPage();
    const reused = await again.goto(link ?? '');
    expect(reused?.status()).toBe(410);
    await ownerContext.close();
  });
});

/** A JSON POST to the api's real port with a tenant's Host header; resolves with the status. */
function postJson(
  port: number,
  host: string,
  path: string,
  { body, headers }: { body: unknown; headers: Record<string, string> },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent: false,
        headers: { ...headers, host, 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
