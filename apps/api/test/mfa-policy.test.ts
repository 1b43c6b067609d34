import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  createApiFixture,
  expectProblem,
  json,
  type TestTenant,
} from './helpers.ts';
import { auditTrail, browser, enrol, memberWithPassword } from './mfa-support.ts';

const PASSWORD = 'copper-meadow-signal-77';
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

async function signedIn(tenant: TestTenant, roleKeys: string[]) {
  const member = await memberWithPassword(fx, tenant, PASSWORD, roleKeys);
  const b = browser(tenant, fx.app);
  await json(await b.post('/auth/login', { email: member.email, password: PASSWORD }), 200);
  return { ...member, b };
}

describe('the "MFA required" policy', () => {
  it('is read and set with tenant:manage only, and only by an admin who has MFA', async () => {
    const viewer = await acme.member(['viewer']);
    await expectProblem(await viewer.get('/v1/security-settings'), 403, 'permission-required');
    await expectProblem(
      await viewer.patch('/v1/security-settings', { mfaRequired: true }),
      403,
      'permission-required',
    );
    const admin = await signedIn(acme, ['admin']);
    expect(await json(await admin.b.get('/v1/security-settings'), 200)).toEqual({
      mfaRequired: false,
    });
    await expectProblem(
      await admin.b.patch('/v1/security-settings', { mfaRequired: true }),
      409,
      'mfa-enrolment-required-first',
    );
    await expectProblem(
      await admin.b.patch('/v1/security-settings', { mfaRequired: 'yes' }),
      422,
      'validation-failed',
    );
    expect(await json(await acme.client.get('/v1/security-settings'), 200)).toEqual({
      mfaRequired: false,
    });
  });

  it('restricts a member without MFA to enrolment until they enrol, on every /v1 route', async () => {
    const admin = await signedIn(acme, ['admin']);
    await enrol(admin.b);
    // An existing session of a member without MFA, from before the policy.
    const early = await signedIn(acme, ['member']);
    expect((await early.b.get('/v1/projects')).status).toBe(200);

    expect(
      await json(await admin.b.patch('/v1/security-settings', { mfaRequired: true }), 200),
    ).toEqual({ mfaRequired: true });
    const event = (await auditTrail(fx, acme)).filter(
      (e) => e.action === 'security.mfa_policy.updated',
    );
    expect(event.map((e) => e.data)).toEqual([{ before: false, after: true }]);

    const late = await signedIn(acme, ['member']);
    for (const who of [early, late]) {
      await expectProblem(await who.b.get('/v1/projects'), 403, 'mfa-enrolment-required');
      await expectProblem(
        await who.b.post('/v1/projects', { name: 'blocked' }),
        403,
        'mfa-enrolment-required',
      );
      await expectProblem(await who.b.get('/v1/audit-events'), 403, 'mfa-enrolment-required');
      // What enrolment needs still works.
      expect(await json(await who.b.get('/auth/mfa'), 200)).toMatchObject({
        enabled: false,
        requiredByTenant: true,
      });
      expect((await who.b.get('/account')).status).toBe(200);
    }
    // The admin with MFA is not restricted; neither is another tenant.
    expect((await admin.b.get('/v1/projects')).status).toBe(200);
    expect((await (await signedIn(globex, ['member'])).b.get('/v1/projects')).status).toBe(200);

    // Enrolling lifts the restriction on the same session, at once.
    await enrol(late.b);
    expect((await late.b.get('/v1/projects')).status).toBe(200);
    await expectProblem(await early.b.get('/v1/projects'), 403, 'mfa-enrolment-required');

    const success = (await auditTrail(fx, acme)).filter(
      (e) => e.action === 'auth.login.succeeded' && e.data.mfa === 'enrolment_required',
    );
    expect(success.length).toBeGreaterThanOrEqual(1);

    // Switched off again: the member without MFA is free.
    await json(await admin.b.patch('/v1/security-settings', { mfaRequired: false }), 200);
    expect((await early.b.get('/v1/projects')).status).toBe(200);
  });

  it('restricts again a member who disables MFA while the policy is on', async () => {
    const admin = await signedIn(globex, ['admin']);
    await enrol(admin.b);
    const member = await signedIn(globex, ['member']);
    const { app } = await enrol(member.b);
    await json(await admin.b.patch('/v1/security-settings', { mfaRequired: true }), 200);
    expect((await member.b.get('/v1/projects')).status).toBe(200);
    expect((await member.b.post('/auth/mfa/disable', { code: app.next() })).status).toBe(204);
    await expectProblem(await member.b.get('/v1/projects'), 403, 'mfa-enrolment-required');
  });
});
