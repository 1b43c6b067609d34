import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  createApiFixture,
  expectProblem,
  json,
  type TestTenant,
} from './helpers.ts';
import { auditTrail, browser, memberWithPassword } from './mfa-support.ts';

const OLD = 'granite-harbour-kettle-19';
const NEW = 'lilac-tundra-compass-83';
let fx: ApiFixture;
let acme: TestTenant;

beforeAll(async () => {
  fx = await createApiFixture();
  acme = await fx.tenant('pooled', 'acme');
});

afterAll(async () => {
  await fx?.close();
});

describe('POST /auth/password', () => {
  it('needs the current password, applies the policy, revokes the other sessions, retires the old password', async () => {
    const member = await memberWithPassword(fx, acme, OLD);
    const laptop = browser(acme, fx.app);
    const phone = browser(acme, fx.app);
    for (const b of [laptop, phone]) {
      await json(await b.post('/auth/login', { email: member.email, password: OLD }), 200);
      expect((await b.get('/v1/projects')).status).toBe(200);
    }

    await expectProblem(
      await laptop.post('/auth/password', {
        currentPassword: 'wrong-wrong-wrong',
        newPassword: NEW,
      }),
      403,
      'reauthentication-failed',
    );
    for (const [weak, reason] of [
      ['short', 'too_short'],
      ['password1234', 'common'],
      [`${member.email.split('@')[0]}-garden-gate`, 'contains_email'],
    ] as const) {
      const problem = await expectProblem(
        await laptop.post('/auth/password', { currentPassword: OLD, newPassword: weak }),
        422,
        'weak-password',
      );
      expect(problem.reason).toBe(reason);
    }
    // Nothing so far changed anything: the phone is still signed in.
    expect((await phone.get('/v1/projects')).status).toBe(200);

    expect(
      await json(
        await laptop.post('/auth/password', { currentPassword: OLD, newPassword: NEW }),
        200,
      ),
    ).toEqual({ revokedSessions: 1 });
    await expectProblem(await phone.get('/v1/projects'), 401, 'unauthenticated');
    expect((await laptop.get('/v1/projects')).status).toBe(200);

    const sql = fx.testDb.admin.sql;
    const [row] = await sql<{ password_hash: string }[]>`
      select password_hash from users where id = ${member.userId}`;
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const again = browser(acme, fx.app);
    await expectProblem(
      await again.post('/auth/login', { email: member.email, password: OLD }),
      401,
      'invalid-credentials',
    );
    await json(await again.post('/auth/login', { email: member.email, password: NEW }), 200);

    const events = (await auditTrail(fx, acme)).filter((e) => e.target_id === member.userId);
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['auth.password.change_failed', 'auth.password.changed']),
    );
    expect(events.find((e) => e.action === 'auth.password.changed')?.data).toEqual({
      revokedSessions: 1,
    });
    expect(JSON.stringify(events)).not.toContain(NEW);
  });

  it('is refused without a session and from another site', async () => {
    await expectProblem(
      await acme.anonymous.post('/auth/password', { currentPassword: OLD, newPassword: NEW }),
      401,
      'unauthenticated',
    );
    const member = await memberWithPassword(fx, acme, OLD);
    const b = browser(acme, fx.app);
    await json(await b.post('/auth/login', { email: member.email, password: OLD }), 200);
    const cookie = [...b.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await acme.anonymous.post(
      '/auth/password',
      { currentPassword: OLD, newPassword: NEW },
      { headers: { cookie, origin: 'https://evil.example' } },
    );
    await expectProblem(res, 403, 'cross-site-request');
  });

  it('limits guesses of the current password (429)', async () => {
    const member = await memberWithPassword(fx, acme, OLD);
    const b = browser(acme, fx.app);
    await json(await b.post('/auth/login', { email: member.email, password: OLD }), 200);
    for (let i = 0; i < 5; i++) {
      await expectProblem(
        await b.post('/auth/password', { currentPassword: `guess-number-${i}`, newPassword: NEW }),
        403,
        'reauthentication-failed',
      );
    }
    await expectProblem(
      await b.post('/auth/password', { currentPassword: OLD, newPassword: NEW }),
      429,
      'rate-limited',
    );
  });
});
