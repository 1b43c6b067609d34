import { withTenant } from '@tenantkit/db';
import { createMember } from '@tenantkit/identity';
import { startTestDnsServer, type TestDnsServer } from '@tenantkit/testing';
import { startTestIdp, type TestIdp } from '@tenantkit/testing/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  createApiFixture,
  expectProblem,
  json,
  type TestTenant,
} from './helpers.ts';
import { connectIdp, proveDomain } from './sso-support.ts';

// Connections, email domains and the "SSO required" policy through the admin API.

let fx: ApiFixture;
let dns: TestDnsServer;
let acme: TestTenant;
let globex: TestTenant;
let idp: TestIdp;

const PASSWORD = 'a perfectly long passphrase';

beforeAll(async () => {
  dns = await startTestDnsServer();
  fx = await createApiFixture({ dnsServers: [dns.server] });
  [acme, globex] = await Promise.all([
    fx.tenant('dedicated', 'acme'),
    fx.tenant('pooled', 'globex'),
  ]);
  idp = await startTestIdp();
});

afterAll(async () => {
  await fx?.close();
  await Promise.all([idp?.close(), dns?.close()]);
});

interface DomainJson {
  domain: string;
  verified: boolean;
  record: { type: string; name: string; value: string };
  check?: { verified: boolean; reason?: string };
}

async function auditActions(tenant: TestTenant): Promise<string[]> {
  const rows = await fx.testDb.admin.sql<{ action: string }[]>`
    select action from audit_events_dedicated where tenant_id = ${tenant.record.id}
    union all
    select action from audit_events_pooled where tenant_id = ${tenant.record.id}`;
  return rows.map((r) => r.action);
}

describe('email domains', () => {
  it("answer with the tenant's TXT challenge and verify only when it is published", async () => {
    const added = await json<DomainJson>(
      await acme.client.post('/v1/sso/email-domains', { domain: 'Proof.Acme.test' }),
      201,
    );
    expect(added).toMatchObject({ domain: 'proof.acme.test', verified: false });
    expect(added.record.name).toBe('_tenantkit-challenge.proof.acme.test');
    expect(added.record.value).toMatch(/^tenantkit-verification=[a-z0-9]{32,64}$/);
    const missing = await json<DomainJson>(
      await acme.client.post('/v1/sso/email-domains/proof.acme.test/verify', {}),
      200,
    );
    expect(missing.check).toMatchObject({ verified: false, reason: 'no-record' });
    // Another tenant's record for the same name proves nothing for acme.
    const theirs = await json<DomainJson>(
      await globex.client.post('/v1/sso/email-domains', { domain: 'proof.acme.test' }),
      201,
    );
    expect(theirs.record.value).not.toBe(added.record.value);
    dns.setTxt(added.record.name, [theirs.record.value]);
    const wrong = await json<DomainJson>(
      await acme.client.post('/v1/sso/email-domains/proof.acme.test/verify', {}),
      200,
    );
    expect(wrong.check).toMatchObject({ verified: false, reason: 'wrong-token' });
    dns.setTxt(added.record.name, [theirs.record.value, added.record.value]);
    const ok = await json<DomainJson>(
      await acme.client.post('/v1/sso/email-domains/proof.acme.test/verify', {}),
      200,
    );
    expect(ok).toMatchObject({ verified: true, check: { verified: true } });
    const list = await json<{ items: DomainJson[] }>(
      await acme.client.get('/v1/sso/email-domains'),
      200,
    );
    expect(list.items.map((d) => [d.domain, d.verified])).toEqual([['proof.acme.test', true]]);
    expect(await auditActions(acme)).toEqual(
      expect.arrayContaining([
        'sso.email_domain.added',
        'sso.email_domain.verification_failed',
        'sso.email_domain.verified',
      ]),
    );
  });

  it('refuses what is not a domain name', async () => {
    for (const domain of ['localhost', 'a..b.test', 'ex ample.com', '-x.test']) {
      const res = await acme.client.post('/v1/sso/email-domains', { domain });
      expect([400, 422]).toContain(res.status);
    }
  });
});

describe('connections', () => {
  it('are created from a discovered issuer, never return the secret, store it encrypted', async () => {
    const created = await json<Record<string, unknown>>(
      await acme.client.post('/v1/sso/connections', {
        name: 'Acme IdP',
        issuer: `${idp.issuer}/`,
        clientId: 'acme-app',
        clientSecret: 'the-client-secret-value',
      }),
      201,
    );
    expect(created).toMatchObject({
      issuer: idp.issuer,
      clientSecretSet: true,
      enabled: false,
      scopes: ['openid', 'email', 'profile'],
      idTokenAlg: 'RS256',
    });
    expect(JSON.stringify(created)).not.toContain('the-client-secret-value');
    const got = await json<Record<string, unknown>>(
      await acme.client.get(`/v1/sso/connections/${created.id}`),
      200,
    );
    expect(JSON.stringify(got)).not.toContain('the-client-secret-value');
    const [row] = await fx.testDb.admin.sql<{ client_secret: string }[]>`
      select client_secret from sso_connections where id = ${String(created.id)}`;
    expect(row?.client_secret).toMatch(/^v1\./);
    expect(row?.client_secret).not.toContain('the-client-secret-value');
    // Another tenant cannot see it.
    await expectProblem(
      await globex.client.get(`/v1/sso/connections/${created.id}`),
      404,
      'not-found',
    );
  });

  it('refuse hand-typed discovery URLs, plain http off loopback and unreachable issuers', async () => {
    const base = { name: 'x', clientId: 'c' };
    const wellKnown = await acme.client.post('/v1/sso/connections', {
      ...base,
      issuer: `${idp.issuer}/.well-known/openid-configuration`,
    });
    await expectProblem(wellKnown, 422, 'invalid-sso-connection');
    const plain = await acme.client.post('/v1/sso/connections', {
      ...base,
      issuer: 'http://idp.example.com',
    });
    await expectProblem(plain, 422, 'invalid-sso-connection');
    const down = await acme.client.post('/v1/sso/connections', {
      ...base,
      issuer: 'http://127.0.0.1:9',
    });
    await expectProblem(down, 422, 'sso-discovery-failed');
  });

  it('claim only verified, unclaimed email domains; map groups only to grantable roles', async () => {
    await acme.client.post('/v1/sso/email-domains', { domain: 'unproven.test' });
    const unverified = await acme.client.post('/v1/sso/connections', {
      name: 'x',
      issuer: idp.issuer,
      clientId: 'c1',
      emailDomains: ['unproven.test'],
    });
    await expectProblem(unverified, 422, 'email-domain-not-verified');
    await proveDomain(acme.client, dns, 'claimed.test');
    await connectIdp(acme, idp, { emailDomains: ['claimed.test'] });
    const twice = await acme.client.post('/v1/sso/connections', {
      name: 'x',
      issuer: idp.issuer,
      clientId: 'c2',
      emailDomains: ['claimed.test'],
    });
    await expectProblem(twice, 409, 'email-domain-claimed');
    for (const groupRoles of [{ g: ['owner'] }, { g: ['no-such-role'] }]) {
      const res = await acme.client.post('/v1/sso/connections', {
        name: 'x',
        issuer: idp.issuer,
        clientId: 'c3',
        groupRoles,
      });
      await expectProblem(res, 422, 'invalid-sso-connection');
    }
  });

  it('are tested, updated, disabled and deleted, each change audited', async () => {
    const { connectionId } = await connectIdp(acme, idp, {}, { enable: false });
    const tested = await json<{ ok: boolean; problems: string[] }>(
      await acme.client.post(`/v1/sso/connections/${connectionId}/test`, {}),
      200,
    );
    expect(tested).toMatchObject({ ok: true, problems: [] });
    const updated = await json<{ idTokenAlg: string; jitEnabled: boolean }>(
      await acme.client.patch(`/v1/sso/connections/${connectionId}`, {
        idTokenAlg: 'ES384',
        jitEnabled: true,
      }),
      200,
    );
    expect(updated).toMatchObject({ idTokenAlg: 'ES384', jitEnabled: true });
    const retested = await json<{ ok: boolean; problems: string[] }>(
      await acme.client.post(`/v1/sso/connections/${connectionId}/test`, {}),
      200,
    );
    expect(retested.ok).toBe(false);
    expect(retested.problems.join(' ')).toContain('ES384');
    await json(await acme.client.post(`/v1/sso/connections/${connectionId}/enable`, {}), 200);
    await json(await acme.client.post(`/v1/sso/connections/${connectionId}/disable`, {}), 200);
    expect((await acme.client.delete(`/v1/sso/connections/${connectionId}`)).status).toBe(204);
    await expectProblem(
      await acme.client.get(`/v1/sso/connections/${connectionId}`),
      404,
      'not-found',
    );
    expect(await auditActions(acme)).toEqual(
      expect.arrayContaining([
        'sso.connection.created',
        'sso.connection.tested',
        'sso.connection.updated',
        'sso.connection.enabled',
        'sso.connection.disabled',
        'sso.connection.deleted',
      ]),
    );
  });
});

describe('"SSO required"', () => {
  it('blocks password sign-in for SSO domains, keeps an audited break-glass path for owners', async () => {
    await proveDomain(acme.client, dns, 'corp.acme.test');
    const { connectionId } = await connectIdp(acme, idp, { emailDomains: ['corp.acme.test'] });
    await withTenant(fx.testDb.app, acme.record.id, async (tx) => {
      for (const [email, roleKeys] of [
        ['carol@corp.acme.test', ['member']],
        ['olga@corp.acme.test', ['owner']],
        ['pat@elsewhere.test', ['member']],
      ] as const) {
        await createMember(
          tx,
          acme.record,
          { actorType: 'system' },
          {
            email,
            password: PASSWORD,
            roleKeys: [...roleKeys],
          },
        );
      }
    });
    const login = (email: string) =>
      acme.anonymous.post('/auth/login', { email, password: PASSWORD });
    expect((await login('carol@corp.acme.test')).status).toBe(200); // policy still off
    expect(
      await json(
        await acme.client.request('PUT', '/v1/sso/policy', { body: { ssoRequired: true } }),
        200,
      ),
    ).toEqual({ ssoRequired: true });

    const refused = await expectProblem(await login('carol@corp.acme.test'), 403, 'sso-required');
    expect(refused).toMatchObject({
      connectionId,
      ssoUrl: `/auth/sso/start?connection=${connectionId}`,
    });
    // Same answer for an account that does not exist: it depends on the domain only.
    await expectProblem(await login('nobody@corp.acme.test'), 403, 'sso-required');
    expect((await login('pat@elsewhere.test')).status).toBe(200);
    expect((await login('olga@corp.acme.test')).status).toBe(200);

    const rows = await fx.testDb.admin.sql<{ action: string; data: Record<string, unknown> }[]>`
      select action, data from audit_events_dedicated
      where tenant_id = ${acme.record.id} and action like 'auth.login.%' order by seq`;
    expect(rows.filter((r) => r.data.reason === 'sso_required').length).toBe(2);
    expect(rows.at(-1)).toMatchObject({
      action: 'auth.login.succeeded',
      data: { breakGlass: connectionId },
    });

    // The login page says so too.
    const page = await acme.anonymous.request('POST', '/login', {
      rawBody: 'email=carol%40corp.acme.test&password=whatever-it-is',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: `http://${acme.host}`,
      },
    });
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('requires single sign-on');
    await json(
      await acme.client.request('PUT', '/v1/sso/policy', { body: { ssoRequired: false } }),
      200,
    );
    expect((await login('carol@corp.acme.test')).status).toBe(200);
  });

  it('is changed only with tenant:manage', async () => {
    const member = await acme.member(['member']);
    const res = await member.request('PUT', '/v1/sso/policy', { body: { ssoRequired: true } });
    await expectProblem(res, 403, 'permission-required');
    expect(await json(await acme.client.get('/v1/sso/policy'), 200)).toEqual({
      ssoRequired: false,
    });
  });
});

describe('starting SSO sign-ins', () => {
  it('is rate limited per client address', async () => {
    // 60 at once against a burst of 30 (refilling one per 2 s): some must be refused, however
    // slowly the machine serves them.
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        acme.anonymous.get(`/auth/sso/start?email=someone${i}%40nowhere.test`),
      ),
    );
    const limited = responses.filter((res) => res.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(responses.every((res) => res.status === 404 || res.status === 429)).toBe(true);
    await expectProblem(limited[0] as Response, 429, 'rate-limited');
    expect(limited[0]?.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
