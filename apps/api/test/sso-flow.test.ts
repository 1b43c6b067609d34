import { startTestDnsServer, type TestDnsServer } from '@tenantkit/testing';
import { startTestIdp, type TestIdp } from '@tenantkit/testing/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  authHeaders,
  createApiFixture,
  expectProblem,
  expectStatus,
  type TestTenant,
} from './helpers.ts';
import {
  authorizeAtIdp,
  callback,
  connectIdp,
  location,
  proveDomain,
  type SsoSetup,
  TestBrowser,
} from './sso-support.ts';

// Full sign-ins over HTTP against real OpenID Providers (oidc-provider on loopback): the api
// through app.request with a cookie jar, the IdPs over real HTTP, every redirect by hand.

let fx: ApiFixture;
let dns: TestDnsServer;
let acme: TestTenant;
let idpA: TestIdp;
let connA: SsoSetup;

beforeAll(async () => {
  dns = await startTestDnsServer();
  fx = await createApiFixture({ dnsServers: [dns.server] });
  acme = await fx.tenant('dedicated', 'acme');
  idpA = await startTestIdp();
  idpA.setAccount({
    login: 'alice',
    email: 'alice@acme.test',
    name: 'Alice',
    groups: ['engineering'],
  });
  idpA.setAccount({ login: 'bob', email: 'Bob@Acme.test', groups: [] });
  idpA.setAccount({ login: 'mallory', email: 'mallory@evil.test', groups: ['admins'] });
  await proveDomain(acme.client, dns, 'acme.test');
  connA = await connectIdp(acme, idpA, {
    emailDomains: ['acme.test'],
    jitEnabled: true,
    groupRoles: { engineering: ['member'], admins: ['admin'], auditors: ['viewer'] },
  });
});

afterAll(async () => {
  await fx?.close();
  await Promise.all([idpA?.close(), dns?.close()]);
});

const startA = () => `/auth/sso/start?connection=${connA.connectionId}`;

async function userByEmail(email: string) {
  const [row] = await fx.testDb.admin.sql<{ id: string; status: string }[]>`
    select id, status from users where tenant_id = ${acme.record.id} and lower(email) = ${email}`;
  return row;
}

async function bindings(userId: string) {
  return fx.testDb.admin.sql<{ role_key: string; source: string }[]>`
    select role_key, source from role_bindings
    where tenant_id = ${acme.record.id} and principal_id = ${userId} order by role_key`;
}

async function lastAudit(action: string) {
  const [row] = await fx.testDb.admin.sql<
    { data: Record<string, unknown>; actor_id: string | null }[]
  >`
    select data, actor_id from audit_events_dedicated
    where tenant_id = ${acme.record.id} and action = ${action} order by seq desc limit 1`;
  return row;
}

async function signInAs(login: string, browser = new TestBrowser(fx.app, acme.host)) {
  const back = await authorizeAtIdp(browser, startA(), login);
  const res = await callback(browser, back);
  return { browser, back, res };
}

describe('SSO sign-in', () => {
  it('signs a new member in with JIT, roles from IdP groups, the usual session cookie', async () => {
    const { browser, res } = await signInAs('alice');
    await expectStatus(res, 303);
    expect(res.headers.get('location')).toBe('/account');
    const token = browser.sessionToken();
    expect(token).toMatch(/^[a-z2-7]{26}\./);
    const projects = await acme.anonymous.get('/v1/projects', {
      headers: authHeaders(token ?? '', acme.host),
    });
    expect(projects.status).toBe(200);
    const alice = await userByEmail('alice@acme.test');
    expect(alice?.status).toBe('active');
    expect(await bindings(alice?.id ?? '')).toEqual([{ role_key: 'member', source: 'idp' }]);
    const event = await lastAudit('sso.login.succeeded');
    expect(event?.actor_id).toBe(alice?.id);
    expect(event?.data).toMatchObject({ connectionId: connA.connectionId, outcome: 'created' });
  });

  it('re-syncs IdP-derived roles at the next sign-in; manual bindings stay; RBAC version moves', async () => {
    idpA.setAccount({ login: 'alice', email: 'alice@acme.test', groups: ['admins'] });
    const alice = await userByEmail('alice@acme.test');
    await fx.testDb.admin.sql`
      insert into role_bindings (tenant_id, principal_type, principal_id, role_key, source)
      values (${acme.record.id}, 'user', ${alice?.id ?? ''}, 'viewer', 'manual')`;
    const [before] = await fx.testDb.admin.sql<{ rbac_version: string }[]>`
      select rbac_version from tenant_security where tenant_id = ${acme.record.id}`;
    const { browser, res } = await signInAs('alice');
    await expectStatus(res, 303);
    expect(await bindings(alice?.id ?? '')).toEqual([
      { role_key: 'admin', source: 'idp' },
      { role_key: 'viewer', source: 'manual' },
    ]);
    const [after] = await fx.testDb.admin.sql<{ rbac_version: string }[]>`
      select rbac_version from tenant_security where tenant_id = ${acme.record.id}`;
    expect(Number(after?.rbac_version)).toBeGreaterThan(Number(before?.rbac_version));
    // The admin role arrived through the group: SSO settings are now within reach.
    const list = await acme.anonymous.get('/v1/sso/connections', {
      headers: authHeaders(browser.sessionToken() ?? '', acme.host),
    });
    expect(list.status).toBe(200);
    expect((await lastAudit('sso.login.succeeded'))?.data).toMatchObject({
      outcome: 'existing',
      rolesAdded: ['admin'],
      rolesRemoved: ['member'],
    });
  });

  it('finds the connection from the email domain (home-realm discovery) and links by email', async () => {
    const browser = new TestBrowser(fx.app, acme.host);
    const started = await browser.visit('GET', '/auth/sso/start?email=bob%40ACME.test');
    await expectStatus(started, 303);
    expect(location(started, browser.appOrigin).origin).toBe(idpA.issuer);
    // A member that existed before SSO is linked through the verified domain.
    await fx.testDb.admin.sql`
      insert into users (tenant_id, id, email) values (${acme.record.id}, gen_random_uuid(), 'bob@acme.test')`;
    const viaForm = await authorizeAtIdp(
      browser,
      '/auth/sso/start?email=bob%40acme.test&returnTo=%2Fv1%2Fprojects%3Flimit%3D5',
      'bob',
      { method: 'POST' },
    );
    const res = await callback(browser, viaForm);
    await expectStatus(res, 303);
    expect(res.headers.get('location')).toBe('/v1/projects?limit=5');
    expect((await lastAudit('sso.login.succeeded'))?.data).toMatchObject({ outcome: 'linked' });
  });

  it('the login form\'s "Continue with SSO" gets a same-origin page that moves on to the IdP', async () => {
    const res = await fx.app.request('/auth/sso/start', {
      method: 'POST',
      headers: {
        host: acme.host,
        accept: 'text/html',
        origin: `http://${acme.host}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'email=alice%40acme.test&password=',
    });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('http-equiv="refresh"');
    expect(page).toContain(`${idpA.issuer}/auth?`);
    // From another site, the same form is refused (login CSRF).
    const foreign = await fx.app.request('/auth/sso/start', {
      method: 'POST',
      headers: {
        host: acme.host,
        origin: 'https://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'email=alice%40acme.test',
    });
    await expectProblem(foreign, 403, 'cross-site-request');
  });

  it('answers sso-not-configured for an email domain no connection claims', async () => {
    const browser = new TestBrowser(fx.app, acme.host);
    await expectProblem(
      await browser.visit('GET', '/auth/sso/start?email=someone%40elsewhere.test'),
      404,
      'sso-not-configured',
    );
  });

  it('keeps working after the IdP rotates its signing keys', async () => {
    await expectStatus((await signInAs('alice')).res, 303); // JWKS cached
    const oldKids = idpA.keyIds();
    await idpA.rotateKeys();
    expect(idpA.keyIds()).not.toEqual(oldKids);
    await expectStatus((await signInAs('alice')).res, 303);
  });
});
