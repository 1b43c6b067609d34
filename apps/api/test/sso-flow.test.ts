import { startTestDnsServer, type TestDnsServer } from '@tenantkit/testing';
import { startTestIdp, type TestIdp } from '@tenantkit/testing/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  authHeaders,
  createApiFixture,
  expectProblem,
  expectStatus,
  json,
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
let idpB: TestIdp;
let connA: SsoSetup;
let connB: SsoSetup;

beforeAll(async () => {
  dns = await startTestDnsServer();
  fx = await createApiFixture({ dnsServers: [dns.server] });
  acme = await fx.tenant('dedicated', 'acme');
  [idpA, idpB] = await Promise.all([startTestIdp(), startTestIdp()]);
  idpA.setAccount({
    login: 'alice',
    email: 'alice@acme.test',
    name: 'Alice',
    groups: ['engineering'],
  });
  idpA.setAccount({ login: 'bob', email: 'Bob@Acme.test', groups: [] });
  idpA.setAccount({ login: 'mallory', email: 'mallory@evil.test', groups: ['admins'] });
  idpB.setAccount({ login: 'brenda', email: 'brenda@b-corp.test', groups: [] });
  await proveDomain(acme.client, dns, 'acme.test');
  connA = await connectIdp(acme, idpA, {
    emailDomains: ['acme.test'],
    jitEnabled: true,
    groupRoles: { engineering: ['member'], admins: ['admin'], auditors: ['viewer'] },
  });
  connB = await connectIdp(acme, idpB, { jitEnabled: true });
});

afterAll(async () => {
  await fx?.close();
  await Promise.all([idpA?.close(), idpB?.close(), dns?.close()]);
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
});
