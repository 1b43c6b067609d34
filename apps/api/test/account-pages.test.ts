import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, createApiFixture, json, type TestTenant } from './helpers.ts';
import { authenticator, browser, currentStep, memberWithPassword, totpAt } from './mfa-support.ts';

const PASSWORD = 'saffron-glacier-window-55';
const NEW_PASSWORD = 'juniper-beacon-ledger-61';
let fx: ApiFixture;
let acme: TestTenant;

beforeAll(async () => {
  fx = await createApiFixture();
  acme = await fx.tenant('dedicated', 'acme');
});

afterAll(async () => {
  await fx?.close();
});

async function signedInPage() {
  const member = await memberWithPassword(fx, acme, PASSWORD);
  const b = browser(acme, fx.app);
  const res = await b.submit('/login', { email: member.email, password: PASSWORD });
  expect(res.status).toBe(303);
  return { ...member, b };
}

describe('account page forms', () => {
  it('enrols MFA through the forms; the sign-in form then asks for a code', async () => {
    const { email, b } = await signedInPage();
    const start = await b.submit('/account/mfa/start', {});
    expect(start.status).toBe(200);
    const html = await start.text();
    const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(html)?.[1] ?? '';
    expect(secret).toHaveLength(32);
    const app = authenticator(secret);
    const stale = totpAt(secret, currentStep() + 7);

    const wrong = await b.submit('/account/mfa/confirm', { code: stale });
    expect(wrong.status).toBe(401);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain('The code is not valid.');
    expect(wrongHtml).toContain(secret); // the pending secret stays on screen

    const ok = await b.submit('/account/mfa/confirm', { code: app.next() });
    expect(ok.status).toBe(200);
    const codes = [...(await ok.text()).matchAll(/<li><code>([a-z2-7-]{14})<\/code><\/li>/g)];
    expect(codes).toHaveLength(10);
    const account = await (await b.get('/account')).text();
    expect(account).not.toContain(codes[0]?.[1] ?? 'no code');

    const other = browser(acme, fx.app);
    const step = await other.submit('/login', { email, password: PASSWORD });
    expect(step.status).toBe(200);
    expect(await step.text()).toContain('action="/login/mfa"');
    expect(other.jar.has('__Host-tk_session')).toBe(false);
    const bad = await other.submit('/login/mfa', { code: stale });
    expect(bad.status).toBe(401);
    const done = await other.submit('/login/mfa', { code: app.next() });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/account');
    expect(other.jar.has('__Host-tk_session')).toBe(true);
    expect(other.jar.has('__Host-tk_mfa')).toBe(false);

    // Without a live challenge the MFA form sends the visitor back to the password.
    const expired = await browser(acme, fx.app).submit('/login/mfa', { code: app.next() });
    expect(expired.status).toBe(401);
    expect(await expired.text()).toContain('action="/login"');
  });

  it('changes the password through the form and signs the other sessions out', async () => {
    const { email, b } = await signedInPage();
    const phone = browser(acme, fx.app);
    await json(await phone.post('/auth/login', { email, password: PASSWORD }), 200);

    const weak = await b.submit('/account/password', {
      currentPassword: PASSWORD,
      newPassword: 'password',
    });
    expect(weak.status).toBe(422);
    expect(await weak.text()).toContain('too short');
    const wrong = await b.submit('/account/password', {
      currentPassword: 'not-the-password-1',
      newPassword: NEW_PASSWORD,
    });
    expect(wrong.status).toBe(403);
    expect((await phone.get('/v1/projects')).status).toBe(200);

    const ok = await b.submit('/account/password', {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Password changed. 1 other session(s) signed out.');
    expect((await phone.get('/v1/projects')).status).toBe(401);
    expect((await b.get('/v1/projects')).status).toBe(200);
  });

  it('refuses the forms from another site and without a session', async () => {
    const anonymous = await acme.anonymous.request('POST', '/account/mfa/start', {
      rawBody: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/login');
    const { b } = await signedInPage();
    const cookie = [...b.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await acme.anonymous.request('POST', '/account/mfa/start', {
      rawBody: '',
      headers: {
        cookie,
        origin: 'https://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
    });
    expect(res.status).toBe(403);
  });
});
