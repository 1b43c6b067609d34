import { startTestDnsServer, type TestDnsServer } from '@tenantkit/testing';
import { startTestIdp, type TestIdp } from '@tenantkit/testing/idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
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
  proveDomain,
  type SsoSetup,
  TestBrowser,
} from './sso-support.ts';

// Every refusal of the SSO callback: a clear problem naming the reason, and the same reason in
// the audit log. Each attack drives real IdPs; nothing is a hand-made token.

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
  idpA.setAccount({ login: 'alice', email: 'alice@acme.test', groups: ['engineering'] });
  idpA.setAccount({ login: 'mallory', email: 'mallory@evil.test', groups: ['admins'] });
  idpA.setAccount({ login: 'dora', email: 'dora@acme.test', groups: [] });
  idpB.setAccount({ login: 'alice', email: 'alice@acme.test', groups: ['admins'] });
  await proveDomain(acme.client, dns, 'acme.test');
  connA = await connectIdp(acme, idpA, {
    emailDomains: ['acme.test'],
    jitEnabled: true,
    groupRoles: { engineering: ['member'], admins: ['admin'] },
  });
  connB = await connectIdp(acme, idpB, { jitEnabled: true, groupRoles: { admins: ['admin'] } });
});

afterAll(async () => {
  await fx?.close();
  await Promise.all([idpA?.close(), idpB?.close(), dns?.close()]);
});

const start = (conn: SsoSetup, extra = '') =>
  `/auth/sso/start?connection=${conn.connectionId}${extra}`;
const browser = () => new TestBrowser(fx.app, acme.host);

async function failures(): Promise<Array<Record<string, unknown>>> {
  const rows = await fx.testDb.admin.sql<{ data: Record<string, unknown> }[]>`
    select data from audit_events_dedicated
    where tenant_id = ${acme.record.id} and action = 'sso.login.failed' order by seq`;
  return rows.map((r) => r.data);
}

/** Asserts the refusal: problem with `reason`, one more audit event with it, no session. */
async function expectRefused(
  res: Response,
  reason: string,
  before: number,
  status = 401,
  b?: TestBrowser,
) {
  const problem = await expectProblem(res, status, 'sso-sign-in-failed');
  expect(problem.reason).toBe(reason);
  const events = await failures();
  expect(events.length).toBe(before + 1);
  expect(events.at(-1)?.reason).toBe(reason);
  if (b) expect(b.sessionToken()).toBeUndefined();
}

describe('the SSO callback refuses', () => {
  it('a replayed state (single use)', async () => {
    const b = browser();
    const back = await authorizeAtIdp(b, start(connA), 'alice');
    await expectStatus(await callback(b, back), 303);
    const before = (await failures()).length;
    await expectRefused(await callback(b, back), 'unknown_state', before);
  });

  it('a state started in another browser (and burns it)', async () => {
    const victim = browser();
    const attacker = browser();
    const back = await authorizeAtIdp(attacker, start(connA), 'mallory');
    let before = (await failures()).length;
    await expectRefused(await callback(victim, back), 'browser_mismatch', before, 401, victim);
    before += 1;
    // The attempt consumed the state: not even the right browser can use it now.
    await expectRefused(await callback(attacker, back), 'unknown_state', before);
  });

  it('an ID token with another nonce', async () => {
    const b = browser();
    const back = await authorizeAtIdp(b, start(connA), 'alice', {
      tamper: (url) => {
        url.searchParams.set('nonce', 'a-nonce-of-the-attackers-choosing-0123456789');
        return url;
      },
    });
    const before = (await failures()).length;
    await expectRefused(await callback(b, back), 'nonce_mismatch', before, 401, b);
  });

  it("a response from IdP B on connection A (mix-up), and B's state on A's callback", async () => {
    const b = browser();
    const backA = await authorizeAtIdp(b, start(connA), 'alice');
    const backB = await authorizeAtIdp(b, start(connB), 'alice');
    expect(backB.searchParams.get('iss')).toBe(idpB.issuer);
    const mixed = new URL(backA);
    mixed.searchParams.set('code', backB.searchParams.get('code') ?? '');
    mixed.searchParams.set('iss', idpB.issuer);
    let before = (await failures()).length;
    await expectRefused(await callback(b, mixed), 'issuer_mismatch', before, 401, b);
    // B's own response delivered to A's redirect URI: the state names connection B.
    const crossed = new URL(backB);
    crossed.pathname = `/auth/sso/callback/${connA.connectionId}`;
    before += 1;
    await expectRefused(await callback(b, crossed), 'connection_mismatch', before, 401, b);
  });

  it('a code that was already redeemed', async () => {
    const b = browser();
    const first = await authorizeAtIdp(b, start(connA), 'alice');
    await expectStatus(await callback(b, first), 303);
    const fresh = browser();
    const second = await authorizeAtIdp(fresh, start(connA), 'alice');
    const reused = new URL(second);
    reused.searchParams.set('code', first.searchParams.get('code') ?? '');
    const before = (await failures()).length;
    await expectRefused(await callback(fresh, reused), 'token_exchange_failed', before, 401, fresh);
  });

  it('an expired code', async () => {
    const slow = await startTestIdp({ codeTtlSeconds: 1 });
    try {
      slow.setAccount({ login: 'alice', email: 'alice@acme.test' });
      const conn = await connectIdp(acme, slow, { jitEnabled: true });
      const b = browser();
      const back = await authorizeAtIdp(b, start(conn), 'alice');
      // Let the code outlive its one second at the IdP.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const before = (await failures()).length;
      await expectRefused(await callback(b, back), 'token_exchange_failed', before, 401, b);
    } finally {
      await slow.close();
    }
  });

  it('an IdP that went away mid-flow (503, audited)', async () => {
    const gone = await startTestIdp();
    gone.setAccount({ login: 'alice', email: 'alice@acme.test' });
    const conn = await connectIdp(acme, gone, { jitEnabled: true });
    const b = browser();
    const back = await authorizeAtIdp(b, start(conn), 'alice');
    await gone.close();
    const before = (await failures()).length;
    await expectRefused(await callback(b, back), 'idp_unavailable', before, 503, b);
  });

  it('an email outside the connection’s verified domains (no member is created)', async () => {
    const b = browser();
    const back = await authorizeAtIdp(b, start(connA), 'mallory');
    const before = (await failures()).length;
    await expectRefused(await callback(b, back), 'email_domain_not_allowed', before, 403, b);
    const rows = await fx.testDb.admin.sql`
      select 1 from users where tenant_id = ${acme.record.id} and email = 'mallory@evil.test'`;
    expect(rows.length).toBe(0);
  });

  it('a connection disabled mid-flow, and starting on a disabled one', async () => {
    const b = browser();
    const back = await authorizeAtIdp(b, start(connA), 'alice');
    await json(
      await acme.client.post(`/v1/sso/connections/${connA.connectionId}/disable`, {}),
      200,
    );
    try {
      let before = (await failures()).length;
      await expectRefused(await callback(b, back), 'connection_disabled', before, 403, b);
      before += 1;
      await expectRefused(await b.visit('GET', start(connA)), 'connection_disabled', before, 403);
    } finally {
      await json(
        await acme.client.post(`/v1/sso/connections/${connA.connectionId}/enable`, {}),
        200,
      );
    }
  });

  it('a deactivated member', async () => {
    const first = browser();
    await expectStatus(
      await callback(first, await authorizeAtIdp(first, start(connA), 'dora')),
      303,
    );
    await fx.testDb.admin.sql`
      update users set status = 'deactivated'
      where tenant_id = ${acme.record.id} and email = 'dora@acme.test'`;
    const b = browser();
    const back = await authorizeAtIdp(b, start(connA), 'dora');
    const before = (await failures()).length;
    await expectRefused(await callback(b, back), 'member_deactivated', before, 403, b);
  });

  it('an ID token signed with an algorithm the connection does not accept', async () => {
    const es256 = await connectIdp(
      acme,
      idpA,
      { idTokenAlg: 'RS256', emailDomains: [], jitEnabled: true },
      { idpAlg: 'ES256' },
    );
    const b = browser();
    const back = await authorizeAtIdp(b, start(es256), 'alice');
    const before = (await failures()).length;
    await expectRefused(await callback(b, back), 'unexpected_alg', before, 401, b);
  });
});

describe('starting a sign-in refuses', () => {
  it('a returnTo on another host (audited), and keeps relative ones', async () => {
    for (const returnTo of [
      'https://evil.example/',
      '//evil.example/account',
      '/\\evil.example',
      'javascript:alert(1)',
      '/%0d%0aevil',
    ]) {
      const before = (await failures()).length;
      const res = await browser().visit(
        'GET',
        start(connA, `&returnTo=${encodeURIComponent(returnTo)}`),
      );
      if (returnTo === '/%0d%0aevil') {
        // Percent-encoded bytes stay encoded in a path: harmless, and accepted as a path.
        await expectStatus(res, 303);
        continue;
      }
      await expectProblem(res, 400, 'unsafe-return-to');
      const events = await failures();
      expect(events.length).toBe(before + 1);
      expect(events.at(-1)?.reason).toBe('unsafe_return_to');
    }
  });

  it('an unknown connection id (404) without starting anything', async () => {
    const res = await browser().visit(
      'GET',
      '/auth/sso/start?connection=01936b2e-7c1a-7000-8000-000000000000',
    );
    await expectProblem(res, 404, 'not-found');
  });
});

describe('browsers', () => {
  it('see a sign-in page naming the reason instead of a problem document', async () => {
    const res = await fx.app.request(
      `/auth/sso/callback/${connA.connectionId}?state=${'x'.repeat(43)}&code=abc`,
      { headers: { host: acme.host, accept: 'text/html' } },
    );
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('text/html');
    const page = await res.text();
    expect(page).toContain('Single sign-on failed');
    expect(page).toContain('unknown, expired or was already used');
    expect((await failures()).at(-1)?.reason).toBe('unknown_state');
  });
});
