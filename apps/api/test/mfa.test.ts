import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  createApiFixture,
  expectProblem,
  json,
  type TestTenant,
} from './helpers.ts';
import {
  auditTrail,
  authenticator,
  browser,
  currentStep,
  enrol,
  memberWithPassword,
  setCookie,
  totpAt,
} from './mfa-support.ts';

const PASSWORD = 'velvet-lantern-orbit-42';
const MFA_COOKIE = '__Host-tk_mfa';
const SESSION_COOKIE = '__Host-tk_session';
let fx: ApiFixture;
let acme: TestTenant;
let globex: TestTenant;

beforeAll(async () => {
  fx = await createApiFixture();
  [acme, globex] = await Promise.all([
    fx.tenant('dedicated', 'acme'),
    fx.tenant('pooled', 'globex'),
  ]);
});

afterAll(async () => {
  await fx?.close();
});

/** A member who has enrolled TOTP in their own browser, then signed out. */
async function enrolledMember(tenant: TestTenant = acme, email?: string) {
  const member = await memberWithPassword(fx, tenant, PASSWORD, ['member'], email);
  const b = browser(tenant, fx.app);
  await json(await b.post('/auth/login', { email: member.email, password: PASSWORD }), 200);
  const enrolment = await enrol(b);
  await b.post('/auth/logout');
  return { ...member, ...enrolment };
}

/** A fresh browser that has passed the password step and holds an MFA challenge. */
async function passwordStep(email: string, tenant: TestTenant = acme) {
  const b = browser(tenant, fx.app);
  const res = await b.post('/auth/login', { email, password: PASSWORD });
  await json(res, 202);
  return b;
}

describe('TOTP enrolment', () => {
  it('stores the secret encrypted and pending, enables on a code, and shows recovery codes once', async () => {
    const member = await memberWithPassword(fx, acme, PASSWORD);
    const b = browser(acme, fx.app);
    await json(await b.post('/auth/login', { email: member.email, password: PASSWORD }), 200);
    const setup = await json<{ secret: string; uri: string }>(await b.post('/auth/mfa/totp'), 200);
    expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.uri).toContain(`secret=${setup.secret}`);
    expect(setup.uri).toMatch(/^otpauth:\/\/totp\//);

    const sql = fx.testDb.admin.sql;
    const [pending] = await sql<{ totp_secret: string; totp_enabled_at: Date | null }[]>`
      select totp_secret, totp_enabled_at from users where id = ${member.userId}`;
    expect(pending?.totp_enabled_at).toBeNull();
    expect(pending?.totp_secret).toMatch(/^v1\./);
    expect(pending?.totp_secret).not.toContain(setup.secret);
    // Pending is not enabled: the password alone still signs in.
    const other = browser(acme, fx.app);
    await json(await other.post('/auth/login', { email: member.email, password: PASSWORD }), 200);

    const wrong = totpAt(setup.secret, currentStep() + 5);
    await expectProblem(
      await b.post('/auth/mfa/totp/confirm', { code: wrong }),
      401,
      'invalid-mfa-code',
    );
    const app = authenticator(setup.secret);
    const { recoveryCodes } = await json<{ recoveryCodes: string[] }>(
      await b.post('/auth/mfa/totp/confirm', { code: app.next() }),
      200,
    );
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    const stored = await sql<{ code_hash: string }[]>`
      select code_hash from recovery_codes where user_id = ${member.userId}`;
    expect(stored).toHaveLength(10);
    const dump = JSON.stringify(stored);
    for (const code of recoveryCodes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replaceAll('-', ''));
    }
    expect(await json(await b.get('/auth/mfa'), 200)).toMatchObject({
      enabled: true,
      pending: false,
      recoveryCodesRemaining: 10,
    });
    await expectProblem(await b.post('/auth/mfa/totp'), 409, 'mfa-already-enabled');
    const trail = await auditTrail(fx, acme);
    expect(trail.filter((e) => e.target_id === member.userId).map((e) => e.action)).toContain(
      'mfa.enabled',
    );
    expect(JSON.stringify(trail)).not.toContain(recoveryCodes[0]);
  });

  it('a secret copied onto another member does not decrypt (aad binds tenant and user)', async () => {
    const victim = await enrolledMember();
    const thief = await memberWithPassword(fx, acme, PASSWORD);
    const sql = fx.testDb.admin.sql;
    await sql`update users set totp_secret = (select totp_secret from users where id = ${victim.userId}),
      totp_enabled_at = now() where id = ${thief.userId}`;
    const b = await passwordStep(thief.email);
    const res = await b.post('/auth/login/mfa', { code: victim.app.next() });
    expect(res.status).toBe(500);
    expect(setCookie(res, SESSION_COOKIE)).toBeUndefined();
  });
});

describe('signing in with MFA', () => {
  it('asks for a second factor after the password, then signs in with a TOTP code', async () => {
    const member = await enrolledMember();
    const b = browser(acme, fx.app);
    const first = await b.post('/auth/login', { email: member.email, password: PASSWORD });
    expect(await json(first, 202)).toMatchObject({ mfaRequired: true });
    expect(setCookie(first, SESSION_COOKIE)).toBeUndefined();
    const challengeCookie = first.headers.getSetCookie().find((c) => c.startsWith(MFA_COOKIE));
    expect(challengeCookie).toMatch(/HttpOnly/);
    expect(challengeCookie).toMatch(/Secure/);
    expect(challengeCookie).toMatch(/Path=\//);
    expect(challengeCookie).not.toMatch(/Domain=/i);
    // A challenge is not a session.
    await expectProblem(await b.get('/v1/projects'), 401, 'unauthenticated');

    const second = await b.post('/auth/login/mfa', { code: member.app.next() });
    await json(second, 200);
    expect(setCookie(second, SESSION_COOKIE)).toBeTruthy();
    expect((await b.get('/v1/projects')).status).toBe(200);

    const trail = (await auditTrail(fx, acme)).filter(
      (e) => e.action.startsWith('auth.login') && JSON.stringify(e).includes(member.userId),
    );
    expect(trail.map((e) => e.action)).toEqual(
      expect.arrayContaining(['auth.login.mfa_challenged']),
    );
    const success = (await auditTrail(fx, acme)).filter((e) => e.action === 'auth.login.succeeded');
    expect(success.at(-1)?.data).toMatchObject({ mfa: 'totp' });
  });

  it('uses a challenge once', async () => {
    const member = await enrolledMember();
    const b = await passwordStep(member.email);
    const token = b.jar.get(MFA_COOKIE);
    await json(await b.post('/auth/login/mfa', { code: member.app.next() }), 200);
    // The cookie is cleared on success; replaying it by hand finds nothing.
    const replay = await acme.anonymous.post(
      '/auth/login/mfa',
      { code: member.app.next() },
      { headers: { cookie: `${MFA_COOKIE}=${token}` } },
    );
    await expectProblem(replay, 401, 'mfa-challenge-invalid');
  });

  it('refuses a code replayed in the same time step, also when two requests race', async () => {
    const member = await enrolledMember();
    const code = member.app.next();
    const b1 = await passwordStep(member.email);
    await json(await b1.post('/auth/login/mfa', { code }), 200);
    const b2 = await passwordStep(member.email);
    await expectProblem(await b2.post('/auth/login/mfa', { code }), 401, 'invalid-mfa-code');

    const fresh = member.app.next();
    const [r1, r2] = await Promise.all([
      (await passwordStep(member.email)).post('/auth/login/mfa', { code: fresh }),
      (await passwordStep(member.email)).post('/auth/login/mfa', { code: fresh }),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([200, 401]);
    const failed = (await auditTrail(fx, acme)).filter(
      (e) => e.action === 'auth.login.failed' && e.target_id === member.userId,
    );
    expect(failed.map((e) => e.data)).toContainEqual({ reason: 'bad_mfa_code', mfa: 'totp' });
  });

  it('accepts a recovery code exactly once, in any case and without hyphens', async () => {
    const member = await enrolledMember();
    const [code, another] = member.recoveryCodes;
    if (!code || !another) throw new Error('no recovery codes');
    const b = await passwordStep(member.email);
    await json(await b.post('/auth/login/mfa', { code }), 200);
    expect(await json(await b.get('/auth/mfa'), 200)).toMatchObject({ recoveryCodesRemaining: 9 });
    const used = (await auditTrail(fx, acme)).filter(
      (e) => e.action === 'mfa.recovery_code.used' && e.target_id === member.userId,
    );
    expect(used.map((e) => e.data)).toEqual([{ remaining: 9 }]);

    const again = await passwordStep(member.email);
    await expectProblem(await again.post('/auth/login/mfa', { code }), 401, 'invalid-mfa-code');
    await json(
      await again.post('/auth/login/mfa', { code: another.replaceAll('-', '').toUpperCase() }),
      200,
    );
  });

  it("refuses the challenge from another browser, another tenant's host, or a forged cookie", async () => {
    // The same email with MFA in both tenants: globex must not accept acme's challenge.
    const email = 'twin@example.test';
    const inAcme = await enrolledMember(acme, email);
    await enrolledMember(globex, email);
    const b = await passwordStep(email, acme);
    const token = b.jar.get(MFA_COOKIE) ?? '';
    const code = inAcme.app.next();

    const elsewhere = browser(acme, fx.app); // another browser: no challenge cookie
    await expectProblem(
      await elsewhere.post('/auth/login/mfa', { code }),
      401,
      'mfa-challenge-invalid',
    );
    const onGlobex = await globex.anonymous.post(
      '/auth/login/mfa',
      { code },
      { headers: { cookie: `${MFA_COOKIE}=${token}`, origin: `http://${globex.host}` } },
    );
    await expectProblem(onGlobex, 401, 'mfa-challenge-invalid');
    // The last character changed (never to itself: a token ending in 'A' stays 'A' otherwise).
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    for (const forged of ['', 'x', `${token.slice(0, -1)}${last}`, `${token}A`]) {
      const res = await acme.anonymous.post(
        '/auth/login/mfa',
        { code },
        { headers: { cookie: `${MFA_COOKIE}=${forged}` } },
      );
      await expectProblem(res, 401, 'mfa-challenge-invalid');
    }
    // From another site, even with the cookie: login CSRF check.
    const crossSite = await acme.anonymous.post(
      '/auth/login/mfa',
      { code },
      { headers: { cookie: `${MFA_COOKIE}=${token}`, origin: 'https://evil.example' } },
    );
    await expectProblem(crossSite, 403, 'cross-site-request');
    // None of that spent the challenge: its own browser still completes it (with a code
    // computed now: the first one may have aged out of the accepted window meanwhile).
    await json(await b.post('/auth/login/mfa', { code: inAcme.app.next() }), 200);
  });

  it('limits guesses per account: a dead challenge, then 429 even for the right code', async () => {
    const member = await enrolledMember();
    const b = await passwordStep(member.email);
    const bad = totpAt(member.app.secret, currentStep() + 7);
    for (let i = 0; i < 5; i++) {
      await expectProblem(await b.post('/auth/login/mfa', { code: bad }), 401, 'invalid-mfa-code');
    }
    // Five failures end the challenge...
    await expectProblem(
      await b.post('/auth/login/mfa', { code: bad }),
      401,
      'mfa-challenge-invalid',
    );
    // ...and a new password step does not buy new guesses.
    const retry = await passwordStep(member.email);
    const limited = await retry.post('/auth/login/mfa', { code: member.app.next() });
    await expectProblem(limited, 429, 'rate-limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(setCookie(limited, SESSION_COOKIE)).toBeUndefined();
  });

  it('rejects malformed codes as invalid, never as a server error', async () => {
    const member = await enrolledMember();
    const b = await passwordStep(member.email);
    for (const code of ['abcdef', '1234567', '12345a', '٠١٢٣٤٥']) {
      const res = await b.post('/auth/login/mfa', { code });
      expect([401, 422]).toContain(res.status);
    }
  });
});

describe('managing MFA', () => {
  it('disables only with the password or a current code; then the password alone signs in', async () => {
    const member = await enrolledMember();
    const b = await passwordStep(member.email);
    await json(await b.post('/auth/login/mfa', { code: member.app.next() }), 200);
    await expectProblem(
      await b.post('/auth/mfa/disable', { password: 'not my password at all' }),
      403,
      'reauthentication-failed',
    );
    await expectProblem(
      await b.post('/auth/mfa/disable', { code: totpAt(member.app.secret, currentStep() + 9) }),
      403,
      'reauthentication-failed',
    );
    const res = await b.post('/auth/mfa/disable', { code: member.app.next() });
    expect(res.status).toBe(204);
    const sql = fx.testDb.admin.sql;
    const [row] =
      await sql`select totp_secret, totp_enabled_at from users where id = ${member.userId}`;
    expect(row).toEqual({ totp_secret: null, totp_enabled_at: null });
    expect(await sql`select 1 from recovery_codes where user_id = ${member.userId}`).toHaveLength(
      0,
    );
    const plain = browser(acme, fx.app);
    await json(await plain.post('/auth/login', { email: member.email, password: PASSWORD }), 200);
    const actions = (await auditTrail(fx, acme))
      .filter((e) => e.target_id === member.userId)
      .map((e) => e.action);
    expect(actions).toContain('mfa.disabled');
  });

  it('regenerating recovery codes retires every earlier one', async () => {
    const member = await enrolledMember();
    const b = await passwordStep(member.email);
    await json(await b.post('/auth/login/mfa', { code: member.app.next() }), 200);
    const { recoveryCodes } = await json<{ recoveryCodes: string[] }>(
      await b.post('/auth/mfa/recovery-codes', { password: PASSWORD }),
      200,
    );
    expect(recoveryCodes).toHaveLength(10);
    const old = await passwordStep(member.email);
    await expectProblem(
      await old.post('/auth/login/mfa', { code: member.recoveryCodes[0] }),
      401,
      'invalid-mfa-code',
    );
    await json(await old.post('/auth/login/mfa', { code: recoveryCodes[0] }), 200);
    expect((await auditTrail(fx, acme)).map((e) => e.action)).toContain(
      'mfa.recovery_codes.regenerated',
    );
  });
});
