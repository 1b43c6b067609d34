import { withTenant } from '@tenantkit/db';
import { createMember } from '@tenantkit/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, resetRateLimits } from './admin-helpers.ts';
import {
  type ApiFixture,
  createApiFixture,
  expectProblem,
  json,
  type PageJson,
  type TestTenant,
} from './helpers.ts';

interface MemberJson {
  id: string;
  email: string;
  status: string;
  roles: string[];
}

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

const ownerId = async (tenant: TestTenant) => {
  const page = await json<PageJson<MemberJson>>(
    await tenant.client.get('/v1/members?limit=100'),
    200,
  );
  const owner = page.items.find((m) => m.roles.includes('owner'));
  if (!owner) throw new Error('no owner');
  return owner.id;
};

async function snapshot() {
  const { sql } = fx.testDb.admin;
  const [users, bindings, sessions, roles] = await Promise.all([
    sql`select id, status, updated_at from users order by tenant_id, id`,
    sql`select * from role_bindings order by tenant_id, principal_id, role_key`,
    sql`select id from sessions order by tenant_id, id`,
    sql`select * from roles order by tenant_id, key`,
  ]);
  return { users: [...users], bindings: [...bindings], sessions: [...sessions], roles: [...roles] };
}

describe('listing and reading members', () => {
  it('pages through members with an opaque cursor, without secrets', async () => {
    for (let i = 0; i < 4; i++) await addMember(fx, globex, ['viewer']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: PageJson<MemberJson> = await json(
        await globex.client.get(`/v1/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
        200,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((m) => m.id));
      for (const m of page.items) expect(Object.keys(m)).not.toContain('passwordHash');
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect([...seen].sort()).toEqual(seen);
    await expectProblem(await globex.client.get('/v1/members?cursor=nope'), 400, 'invalid-cursor');
  });
});

describe("tenant A's admin acting on tenant B's ids", () => {
  it('gets 404 for every member operation and nothing changes', async () => {
    const target = await addMember(fx, globex, ['member']);
    const admin = await addMember(fx, acme, ['admin']);
    const before = await snapshot();
    const attempts = [
      admin.client.get(`/v1/members/${target.id}`),
      admin.client.request('PUT', `/v1/members/${target.id}/roles`, {
        body: { roleKeys: ['viewer'] },
      }),
      admin.client.post(`/v1/members/${target.id}/deactivate`, {}),
      admin.client.post(`/v1/members/${target.id}/reactivate`, {}),
      admin.client.get(`/v1/members/${target.id}/sessions`),
      admin.client.delete(`/v1/members/${target.id}/sessions`),
      admin.client.delete(`/v1/members/${target.id}/sessions/${target.sessionId}`),
      admin.client.delete(`/v1/role-bindings/user/${target.id}/member`),
    ];
    for (const res of await Promise.all(attempts)) await expectProblem(res, 404, 'not-found');
    await expectProblem(
      await admin.client.post('/v1/role-bindings', {
        principalType: 'user',
        principalId: target.id,
        roleKey: 'viewer',
      }),
      404,
      'not-found',
    );
    expect(await snapshot()).toEqual(before);
    expect((await target.client.get('/v1/projects')).status).toBe(200);
  });
});

describe('changing roles', () => {
  it('replaces the roles, takes effect at once, and is audited with before/after', async () => {
    const m = await addMember(fx, acme, ['viewer']);
    await expectProblem(
      await m.client.post('/v1/projects', { name: 'x' }),
      403,
      'permission-required',
    );
    const updated = await json<MemberJson>(
      await acme.client.request('PUT', `/v1/members/${m.id}/roles`, {
        body: { roleKeys: ['member'] },
      }),
      200,
    );
    expect(updated.roles).toEqual(['member']);
    // The RBAC version moved, so the cached permission set of the member is not used again.
    expect((await m.client.post('/v1/projects', { name: 'x' })).status).toBe(201);
    const audit = await json<{ items: { targetId: string; data: unknown }[] }>(
      await acme.client.get(`/v1/audit-events?action=member.roles.changed&targetId=${m.id}`),
      200,
    );
    expect(audit.items[0]?.data).toMatchObject({ before: ['viewer'], after: ['member'] });
  });

  it('the last owner cannot be demoted, removed or deactivated; with a second owner they can', async () => {
    const tenant = await fx.tenant('pooled');
    const id = await ownerId(tenant);
    await expectProblem(
      await tenant.client.request('PUT', `/v1/members/${id}/roles`, {
        body: { roleKeys: ['admin'] },
      }),
      409,
      'last-owner',
    );
    await expectProblem(
      await tenant.client.delete(`/v1/role-bindings/user/${id}/owner`),
      409,
      'last-owner',
    );
    await expectProblem(
      await tenant.client.post(`/v1/members/${id}/deactivate`, {}),
      409,
      'last-owner',
    );
    const after = await json<MemberJson>(await tenant.client.get(`/v1/members/${id}`), 200);
    expect(after).toMatchObject({ status: 'active', roles: ['owner'] });
    // A deactivated second owner does not count.
    const second = await addMember(fx, tenant, ['owner']);
    await json(await tenant.client.post(`/v1/members/${second.id}/deactivate`, {}), 200);
    await expectProblem(
      await tenant.client.post(`/v1/members/${id}/deactivate`, {}),
      409,
      'last-owner',
    );
    await json(await tenant.client.post(`/v1/members/${second.id}/reactivate`, {}), 200);
    const demoted = await json<MemberJson>(
      await tenant.client.request('PUT', `/v1/members/${id}/roles`, {
        body: { roleKeys: ['admin'] },
      }),
      200,
    );
    expect(demoted.roles).toEqual(['admin']);
  });

  it('two owners demoting each other at once leave one owner', async () => {
    const tenant = await fx.tenant('pooled');
    const a = await addMember(fx, tenant, ['owner']);
    const firstId = await ownerId(tenant);
    const demote = (client: typeof a.client, id: string) =>
      client.request('PUT', `/v1/members/${id}/roles`, { body: { roleKeys: ['admin'] } });
    const results = await Promise.all([demote(a.client, firstId), demote(tenant.client, a.id)]);
    // One wins. The other is refused either as the last owner (409, both checked while both
    // were owners) or as no longer an owner (403, its request began after the win committed).
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const [row] = await fx.testDb.admin.sql`
      select count(*)::int as n from role_bindings where tenant_id = ${tenant.record.id} and role_key = 'owner'`;
    expect(row?.n).toBe(1);
  });

  it('an admin cannot touch owners or grant owner', async () => {
    const admin = await addMember(fx, acme, ['admin']);
    const member = await addMember(fx, acme, ['member']);
    const owner = await ownerId(acme);
    await expectProblem(
      await admin.client.request('PUT', `/v1/members/${member.id}/roles`, {
        body: { roleKeys: ['owner'] },
      }),
      403,
      'owner-only',
    );
    await expectProblem(
      await admin.client.request('PUT', `/v1/members/${owner}/roles`, {
        body: { roleKeys: ['owner', 'viewer'] },
      }),
      403,
      'owner-only',
    );
    await expectProblem(
      await admin.client.post(`/v1/members/${owner}/deactivate`, {}),
      403,
      'owner-only',
    );
    await expectProblem(
      await admin.client.delete(`/v1/members/${owner}/sessions`),
      403,
      'owner-only',
    );
    await expectProblem(
      await admin.client.request('PUT', `/v1/members/${member.id}/roles`, {
        body: { roleKeys: ['ghost'] },
      }),
      422,
      'unknown-role',
    );
  });
});

describe('deactivation', () => {
  it("ends the member's sessions at once, refuses sign-in, and reactivation lets them back", async () => {
    const email = 'leaver@acme.test';
    const password = 'a long enough passphrase here';
    await withTenant(fx.testDb.app, acme.record.id, (tx) =>
      createMember(
        tx,
        acme.record,
        { actorType: 'system' },
        { email, password, roleKeys: ['member'] },
      ),
    );
    await resetRateLimits(fx);
    const login = await acme.anonymous.post('/auth/login', { email, password });
    expect(login.status).toBe(200);
    const cookie =
      /__Host-tk_session=([^;]+);/.exec(login.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const headers = { cookie: `__Host-tk_session=${cookie}` };
    // Warm the session cache first: revocation must win over a cached copy.
    expect((await acme.anonymous.get('/v1/projects', { headers })).status).toBe(200);
    const members = await json<PageJson<MemberJson>>(
      await acme.client.get('/v1/members?limit=100'),
      200,
    );
    const leaver = members.items.find((m) => m.email === email);
    if (!leaver) throw new Error('member not listed');

    const sessions = await json<{ items: unknown[] }>(
      await acme.client.get(`/v1/members/${leaver.id}/sessions`),
      200,
    );
    expect(sessions.items).toHaveLength(1);
    const res = await acme.client.post(`/v1/members/${leaver.id}/deactivate`, { reason: 'left' });
    expect((await json<MemberJson>(res, 200)).status).toBe('deactivated');
    await expectProblem(
      await acme.anonymous.get('/v1/projects', { headers }),
      401,
      'unauthenticated',
    );
    // Another api instance (its own Redis connection and resolver) agrees immediately.
    const other = await fx.buildApp({ redis: await fx.connectRedis() });
    const viaOther = await other.app.request('/v1/projects', {
      headers: { host: acme.host, ...headers },
    });
    expect(viaOther.status).toBe(401);
    await expectProblem(
      await acme.anonymous.post('/auth/login', { email, password }),
      401,
      'invalid-credentials',
    );
    const [count] = await fx.testDb.admin
      .sql`select count(*)::int as n from sessions where user_id = ${leaver.id}`;
    expect(count?.n).toBe(0);
    const audit = await json<{ items: { data: Record<string, unknown> }[] }>(
      await acme.client.get(`/v1/audit-events?action=member.deactivated&targetId=${leaver.id}`),
      200,
    );
    expect(audit.items[0]?.data).toMatchObject({ reason: 'left', sessionsRevoked: 1 });

    await json(await acme.client.post(`/v1/members/${leaver.id}/reactivate`, {}), 200);
    await resetRateLimits(fx);
    expect((await acme.anonymous.post('/auth/login', { email, password })).status).toBe(200);
    // The old session stays dead.
    expect((await acme.anonymous.get('/v1/projects', { headers })).status).toBe(401);
  });
});

describe('admin session revocation', () => {
  it('revokes one session or all of a member, everywhere at once, and audits it', async () => {
    const m = await addMember(fx, acme, ['member']);
    expect((await m.client.get('/v1/projects')).status).toBe(200);
    await expectProblem(
      await acme.client.delete(`/v1/members/${m.id}/sessions/${'a'.repeat(26)}`),
      404,
      'not-found',
    );
    expect((await acme.client.delete(`/v1/members/${m.id}/sessions/${m.sessionId}`)).status).toBe(
      204,
    );
    await expectProblem(await m.client.get('/v1/projects'), 401, 'unauthenticated');
    const again = await addMember(fx, acme, ['member']);
    const all = await json<{ revoked: number }>(
      await acme.client.delete(`/v1/members/${again.id}/sessions`),
      200,
    );
    expect(all.revoked).toBe(1);
    await expectProblem(await again.client.get('/v1/projects'), 401, 'unauthenticated');
    const audit = await json<{ items: unknown[] }>(
      await acme.client.get(`/v1/audit-events?action=member.sessions.revoked&targetId=${m.id}`),
      200,
    );
    expect(audit.items).toHaveLength(1);
  });
});
