import { withTenant } from '@tenantkit/db';
import { createMember } from '@tenantkit/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  authHeaders,
  createApiFixture,
  expectProblem,
  json,
  type TestTenant,
} from './helpers.ts';

const PASSWORD = 'a perfectly long passphrase';
let fx: ApiFixture;
let acme: TestTenant;
let globex: TestTenant;

beforeAll(async () => {
  fx = await createApiFixture();
  [acme, globex] = await Promise.all([
    fx.tenant('dedicated', 'acme'),
    fx.tenant('pooled', 'globex'),
  ]);
  for (const [tenant, email] of [
    [acme, 'ada@acme.test'],
    [acme, 'bob@acme.test'],
    [acme, 'eve@acme.test'],
    [globex, 'ada@acme.test'],
  ] as const) {
    await withTenant(fx.testDb.app, tenant.record.id, (tx) =>
      createMember(
        tx,
        tenant.record,
        { actorType: 'system' },
        { email, password: PASSWORD, roleKeys: ['member'] },
      ),
    );
  }
});

afterAll(async () => {
  await fx?.close();
});

const login = (
  tenant: TestTenant,
  email: string,
  password: string,
  headers: Record<string, string> = {},
) => tenant.anonymous.post('/auth/login', { email, password }, { headers });

function sessionToken(res: Response): string {
  const cookie = res.headers.get('set-cookie') ?? '';
  const match = /^__Host-tk_session=([^;]+);/.exec(cookie);
  if (!match?.[1]) throw new Error(`no session cookie in ${cookie}`);
  return match[1];
}

describe('POST /auth/login', () => {
  it('sets a host-only, HttpOnly, Secure, SameSite=Lax session cookie', async () => {
    const res = await login(acme, 'ADA@acme.test', PASSWORD);
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-tk_session=[a-z2-7]{26}\.[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toMatch(/Domain=/i);
    const token = sessionToken(res);
    const projects = await acme.anonymous.get('/v1/projects', {
      headers: authHeaders(token, acme.host),
    });
    expect(projects.status).toBe(200);
  });

  it('gives the same answer for a wrong password and an unknown account', async () => {
    const wrong = await expectProblem(
      await login(acme, 'bob@acme.test', 'not it at all'),
      401,
      'invalid-credentials',
    );
    const unknown = await expectProblem(
      await login(acme, 'nobody@acme.test', PASSWORD),
      401,
      'invalid-credentials',
    );
    const { requestId: _a, ...a } = wrong;
    const { requestId: _b, ...b } = unknown;
    expect(a).toEqual(b);
  });

  it('is valid only on the tenant that issued it', async () => {
    const token = sessionToken(await login(globex, 'ada@acme.test', PASSWORD));
    const res = await acme.anonymous.get('/v1/projects', {
      headers: authHeaders(token, acme.host),
    });
    await expectProblem(res, 401, 'unauthenticated');
  });

  it('locks an account after repeated failures (429 with Retry-After), even for the right password', async () => {
    for (let i = 0; i < 5; i++)
      await expectProblem(
        await login(acme, 'eve@acme.test', 'wrong guess'),
        401,
        'invalid-credentials',
      );
    const limited = await login(acme, 'eve@acme.test', PASSWORD);
    await expectProblem(limited, 429, 'rate-limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-policy')).toContain('"login-account"');
    // Another account from the same client is not locked by eve's failures.
    expect((await login(acme, 'bob@acme.test', PASSWORD)).status).toBe(200);
  });

  it('refuses a sign-in form posted from another site (login CSRF)', async () => {
    const res = await login(acme, 'bob@acme.test', PASSWORD, { origin: 'https://evil.example' });
    await expectProblem(res, 403, 'cross-site-request');
  });

  it('answers bad input with 422, never 500', async () => {
    await expectProblem(
      await acme.anonymous.post('/auth/login', { email: 'x' }),
      422,
      'validation-failed',
    );
    await expectProblem(
      await acme.anonymous.post('/auth/login', { email: 5, password: [] }),
      422,
      'validation-failed',
    );
  });
});

describe('own sessions', () => {
  it('lists them, revokes another at once, and signs out', async () => {
    const first = sessionToken(await login(acme, 'bob@acme.test', PASSWORD));
    const second = sessionToken(await login(acme, 'bob@acme.test', PASSWORD));
    const headers = authHeaders(first, acme.host);
    const list = await json<{ items: { id: string; current: boolean }[] }>(
      await acme.anonymous.get('/auth/sessions', { headers }),
      200,
    );
    const secondId = second.split('.')[0] ?? '';
    expect(list.items.find((s) => s.current)?.id).toBe(first.split('.')[0]);
    expect(list.items.map((s) => s.id)).toContain(secondId);

    expect((await acme.anonymous.delete(`/auth/sessions/${secondId}`, { headers })).status).toBe(
      204,
    );
    await expectProblem(
      await acme.anonymous.get('/v1/projects', { headers: authHeaders(second, acme.host) }),
      401,
      'unauthenticated',
    );
    // Someone else's session id (the owner's) is not found for bob.
    const ownerId = acme.token.split('.')[0] ?? '';
    await expectProblem(
      await acme.anonymous.delete(`/auth/sessions/${ownerId}`, { headers }),
      404,
      'not-found',
    );
    expect((await acme.client.get('/v1/projects')).status).toBe(200);

    const out = await acme.anonymous.post('/auth/logout', undefined, { headers });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/__Host-tk_session=;/);
    await expectProblem(
      await acme.anonymous.get('/v1/projects', { headers }),
      401,
      'unauthenticated',
    );
  });
});

describe('pages', () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const formHeaders = {
    'content-type': 'application/x-www-form-urlencoded',
    origin: 'http://acme.tenantkit.localhost',
  };

  it('renders the sign-in page with a strict CSP', async () => {
    const res = await acme.anonymous.get('/login');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('<form method="post" action="/login">');
    expect(html).toContain('Continue with SSO');
  });

  it('signs in through the form and shows the account page', async () => {
    const wrong = await acme.anonymous.request('POST', '/login', {
      rawBody: form({ email: 'bob@acme.test', password: 'nope nope nope' }),
      headers: formHeaders,
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Email or password is incorrect.');

    const ok = await acme.anonymous.request('POST', '/login', {
      rawBody: form({ email: 'bob@acme.test', password: PASSWORD }),
      headers: formHeaders,
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/account');
    const token = sessionToken(ok);
    const account = await acme.anonymous.get('/account', {
      headers: authHeaders(token, acme.host),
    });
    expect(account.status).toBe(200);
    const html = await account.text();
    expect(html).toContain('bob@acme.test');
    expect(html).toContain('projects:read');
  });

  it('sends visitors without a session to the sign-in page', async () => {
    const res = await acme.anonymous.get('/account');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
  });
});
