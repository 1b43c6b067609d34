import { createSmtpSender } from '@tenantkit/mail';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { addMember, invitationLink, resetRateLimits, sessionCookieToken } from './admin-helpers.ts';
import {
  type ApiFixture,
  apiClient,
  authHeaders,
  createApiFixture,
  expectProblem,
  json,
  type TestTenant,
} from './helpers.ts';

const PASSWORD = 'correct horse battery staple';
let fx: ApiFixture;
let acme: TestTenant;
let globex: TestTenant;
let counter = 0;

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
beforeEach(async () => {
  await resetRateLimits(fx);
});

interface InvitationJson {
  id: string;
  email: string;
  roleKeys: string[];
  expiresAt: string;
}

async function invite(tenant: TestTenant, roleKeys = ['member']) {
  counter += 1;
  const email = `person${counter}@invited.test`;
  const invitation = await json<InvitationJson>(
    await tenant.client.post('/v1/invitations', { email, roleKeys }),
    201,
  );
  const { url, token } = await invitationLink(fx, email);
  return { email, invitation, url, token };
}

const acceptJson = (tenant: TestTenant, token: string, password = PASSWORD) =>
  tenant.anonymous.post('/auth/invitations/accept', { token, name: 'Ada Lovelace', password });

const pendingIds = async (tenant: TestTenant) =>
  (
    await json<{ items: InvitationJson[] }>(await tenant.client.get('/v1/invitations'), 200)
  ).items.map((i) => i.id);

async function auditActions(tenant: TestTenant, action: string) {
  const page = await json<{ items: { action: string; targetId: string | null; data: unknown }[] }>(
    await tenant.client.get(`/v1/audit-events?action=${action}`),
    200,
  );
  return page.items;
}

describe('inviting and accepting', () => {
  it('mails a link to the tenant host; accepting creates the member with the roles and signs in', async () => {
    const { email, invitation, url, token } = await invite(acme, ['member']);
    expect(invitation).toMatchObject({ email, roleKeys: ['member'] });
    expect(url.host).toBe(acme.host);
    expect(url.pathname).toBe('/invitations/accept');
    expect(token).toMatch(/^[a-z2-7]{26}\.[A-Za-z0-9_-]{43}$/);
    // Stored only hashed: the token's secret is nowhere in the database.
    const [row] = await fx.testDb.admin
      .sql`select token_hash from invitations where id = ${invitation.id}`;
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token.split('.')[1]);
    expect(await pendingIds(acme)).toContain(invitation.id);

    const page = await acme.anonymous.get(`${url.pathname}${url.search}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain(email);
    expect(html).toContain('name="password"');

    const res = await acceptJson(acme, token);
    const accepted = await json<{ userId: string }>(res, 201);
    const session = sessionCookieToken(res);
    const me = apiClient(fx.app, acme.host, { token: session });
    // The new member's session works and carries the invited role's permissions.
    expect((await me.get('/v1/projects')).status).toBe(200);
    await expectProblem(await me.get('/v1/roles'), 403, 'permission-required');
    const member = await json<{ email: string; name: string; roles: string[] }>(
      await acme.client.get(`/v1/members/${accepted.userId}`),
      200,
    );
    expect(member).toMatchObject({ email, name: 'Ada Lovelace', roles: ['member'] });
    // And the password chosen signs in.
    expect((await acme.anonymous.post('/auth/login', { email, password: PASSWORD })).status).toBe(
      200,
    );
    expect(await pendingIds(acme)).not.toContain(invitation.id);
    const audit = await auditActions(acme, 'invitation.accepted');
    expect(audit.map((e) => e.targetId)).toContain(invitation.id);
    expect((await auditActions(acme, 'invitation.created')).map((e) => e.targetId)).toContain(
      invitation.id,
    );
  });

  it('accepts through the form page and redirects to the account', async () => {
    const { email, token } = await invite(acme);
    const res = await acme.anonymous.request('POST', '/invitations/accept', {
      rawBody: new URLSearchParams({ token, name: 'Grace', password: PASSWORD }).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: `http://${acme.host}`,
      },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account');
    const account = await acme.anonymous.get('/account', {
      headers: authHeaders(sessionCookieToken(res), acme.host),
    });
    expect(await account.text()).toContain(email);
  });

  it('refuses a weak password without consuming the invitation', async () => {
    const { invitation, token } = await invite(acme);
    await expectProblem(await acceptJson(acme, token, 'short'), 422, 'weak-password');
    expect(await pendingIds(acme)).toContain(invitation.id);
    expect((await acceptJson(acme, token)).status).toBe(201);
  });
});

describe('invitation token attacks', () => {
  it('a reused token is refused and creates nothing', async () => {
    const { token } = await invite(acme);
    expect((await acceptJson(acme, token)).status).toBe(201);
    await expectProblem(await acceptJson(acme, token), 410, 'invitation-invalid');
    const page = await acme.anonymous.get(`/invitations/accept?token=${token}`);
    expect(page.status).toBe(410);
  });

  it('two concurrent uses of one token: exactly one wins', async () => {
    const { email, token } = await invite(acme);
    const results = await Promise.all([acceptJson(acme, token), acceptJson(acme, token)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 410]);
    const rows = await fx.testDb.admin.sql`select id from users where lower(email) = ${email}`;
    expect(rows).toHaveLength(1);
  });

  it('an expired token is refused', async () => {
    const { invitation, token } = await invite(acme);
    await fx.testDb.admin.sql`
      update invitations set expires_at = now() - interval '1 second' where id = ${invitation.id}`;
    await expectProblem(await acceptJson(acme, token), 410, 'invitation-invalid');
    expect(await pendingIds(acme)).not.toContain(invitation.id);
  });

  it('a tampered token (secret or id) is refused, and the real one still works', async () => {
    const { token } = await invite(acme);
    const [id, secret] = token.split('.') as [string, string];
    const flip = (s: string, i: number, a: string, b: string) =>
      s.slice(0, i) + (s[i] === a ? b : a) + s.slice(i + 1);
    const tampered = [
      `${id}.${flip(secret, 0, 'A', 'B')}`,
      `${id}.${flip(secret, 20, 'A', 'B')}`,
      `${flip(id, 3, 'a', 'b')}.${secret}`,
      `${id}.${secret}x`,
      `${id}.`,
      'x'.repeat(200),
    ];
    for (const candidate of tampered) {
      await expectProblem(await acceptJson(acme, candidate), 410, 'invitation-invalid');
    }
    await expectProblem(await acceptJson(acme, ''), 422, 'validation-failed');
    expect((await acceptJson(acme, token)).status).toBe(201);
  });

  it("tenant A's token on tenant B's host is refused, and A's invitation stays pending", async () => {
    const { invitation, email, token } = await invite(acme);
    await expectProblem(await acceptJson(globex, token), 410, 'invitation-invalid');
    expect((await globex.anonymous.get(`/invitations/accept?token=${token}`)).status).toBe(410);
    const rows = await fx.testDb.admin
      .sql`select tenant_id from users where lower(email) = ${email}`;
    expect(rows).toHaveLength(0);
    expect(await pendingIds(acme)).toContain(invitation.id);
  });

  it('a revoked invitation is refused; revoking twice or across tenants is 404', async () => {
    const { invitation, token } = await invite(acme);
    await expectProblem(
      await globex.client.delete(`/v1/invitations/${invitation.id}`),
      404,
      'not-found',
    );
    expect(await pendingIds(acme)).toContain(invitation.id);
    expect((await acme.client.delete(`/v1/invitations/${invitation.id}`)).status).toBe(204);
    await expectProblem(await acceptJson(acme, token), 410, 'invitation-invalid');
    await expectProblem(
      await acme.client.delete(`/v1/invitations/${invitation.id}`),
      404,
      'not-found',
    );
    expect((await auditActions(acme, 'invitation.revoked')).map((e) => e.targetId)).toContain(
      invitation.id,
    );
  });

  it('a cross-site form post is refused before anything is read', async () => {
    const { invitation, token } = await invite(acme);
    const res = await acme.anonymous.request('POST', '/invitations/accept', {
      rawBody: new URLSearchParams({ token, name: 'Mallory', password: PASSWORD }).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
      },
    });
    await expectProblem(res, 403, 'cross-site-request');
    const json403 = await acme.anonymous.post(
      '/auth/invitations/accept',
      { token, name: 'Mallory', password: PASSWORD },
      { headers: { 'sec-fetch-site': 'cross-site' } },
    );
    await expectProblem(json403, 403, 'cross-site-request');
    expect(await pendingIds(acme)).toContain(invitation.id);
  });

  it('is rate limited per client address (429 with Retry-After)', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 15; i++) last = await acceptJson(acme, `guess-${i}`);
    if (!last) throw new Error('no response');
    const problem = await expectProblem(last, 429, 'rate-limited');
    expect(problem.detail).toMatch(/invitation/i);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    const page = await acme.anonymous.get('/invitations/accept?token=x');
    expect(page.status).toBe(429);
  });
});

describe('who may invite whom', () => {
  it('re-inviting an existing member or a pending email is 409', async () => {
    const existing = await addMember(fx, acme, ['member']);
    await expectProblem(
      await acme.client.post('/v1/invitations', {
        email: existing.email.toUpperCase(),
        roleKeys: ['member'],
      }),
      409,
      'member-exists',
    );
    const { email } = await invite(acme);
    await expectProblem(
      await acme.client.post('/v1/invitations', { email, roleKeys: ['viewer'] }),
      409,
      'invitation-pending',
    );
  });

  it('an admin cannot invite an owner, nor with a role holding what they lack', async () => {
    const admin = await addMember(fx, acme, ['admin']);
    await expectProblem(
      await admin.client.post('/v1/invitations', {
        email: 'boss@invited.test',
        roleKeys: ['owner'],
      }),
      403,
      'owner-only',
    );
    await json(
      await acme.client.post('/v1/roles', {
        key: 'auditor',
        name: 'Auditor',
        permissions: ['audit:read'],
      }),
      201,
    );
    await json(
      await acme.client.post('/v1/roles', {
        key: 'inviter',
        name: 'Inviter',
        permissions: ['members:manage', 'members:read'],
      }),
      201,
    );
    const inviter = await addMember(fx, acme, ['inviter']);
    await expectProblem(
      await inviter.client.post('/v1/invitations', {
        email: 'spy@invited.test',
        roleKeys: ['auditor'],
      }),
      403,
      'permission-not-held',
    );
    await expectProblem(
      await acme.client.post('/v1/invitations', { email: 'x@invited.test', roleKeys: ['nope'] }),
      422,
      'unknown-role',
    );
    expect(fx.smtp.messagesTo('spy@invited.test')).toHaveLength(0);
    expect(fx.smtp.messagesTo('boss@invited.test')).toHaveLength(0);
  });

  it('when the mail cannot be sent: 503, and no invitation is left pending', async () => {
    const closed = createSmtpSender({
      url: 'smtp://127.0.0.1:9',
      from: 'x@tenantkit.test',
      timeoutMs: 2_000,
    });
    const app = createApp({ ...fx.deps, mail: closed });
    const client = apiClient(app, acme.host, { token: acme.token });
    const before = await pendingIds(acme);
    await expectProblem(
      await client.post('/v1/invitations', { email: 'lost@invited.test', roleKeys: ['member'] }),
      503,
      'mail-unavailable',
    );
    expect(await pendingIds(acme)).toEqual(before);
    await closed.close();
  });
});
