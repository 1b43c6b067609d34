import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type TestMember } from './admin-helpers.ts';
import {
  type ApiFixture,
  createApiFixture,
  expectProblem,
  json,
  type TestTenant,
} from './helpers.ts';

interface RoleJson {
  key: string;
  name: string;
  permissions: string[];
  builtin: boolean;
}

let fx: ApiFixture;
let acme: TestTenant;
let globex: TestTenant;
/** Manages people and roles, but holds neither audit:read nor keys:manage. */
let peopleAdmin: TestMember;

beforeAll(async () => {
  fx = await createApiFixture();
  [acme, globex] = await Promise.all([
    fx.tenant('dedicated', 'acme'),
    fx.tenant('pooled', 'globex'),
  ]);
  await json(
    await acme.client.post('/v1/roles', {
      key: 'people-admin',
      name: 'People admin',
      permissions: [
        'members:read',
        'members:manage',
        'roles:read',
        'roles:manage',
        'projects:read',
      ],
    }),
    201,
  );
  peopleAdmin = await addMember(fx, acme, ['people-admin']);
});
afterAll(async () => {
  await fx?.close();
});

const rbacVersion = async (tenant: TestTenant) => {
  const [row] = await fx.testDb.admin.sql`
    select rbac_version::int as v from tenant_security where tenant_id = ${tenant.record.id}`;
  return row?.v as number;
};

describe('roles', () => {
  it('lists built-in roles from code and custom roles; creating one is audited and bumps the RBAC version', async () => {
    const before = await rbacVersion(acme);
    const created = await json<RoleJson>(
      await acme.client.post('/v1/roles', {
        key: 'auditor',
        name: 'Auditor',
        description: 'Reads the audit log',
        permissions: ['audit:read', 'audit:read', 'projects:read'],
      }),
      201,
    );
    expect(created).toMatchObject({
      key: 'auditor',
      builtin: false,
      permissions: ['projects:read', 'audit:read'],
    });
    expect(await rbacVersion(acme)).toBeGreaterThan(before);
    const list = await json<{ items: RoleJson[] }>(await acme.client.get('/v1/roles'), 200);
    expect(list.items.slice(0, 4).map((r) => [r.key, r.builtin])).toEqual([
      ['owner', true],
      ['admin', true],
      ['member', true],
      ['viewer', true],
    ]);
    expect(list.items.map((r) => r.key)).toContain('auditor');
    // Globex sees none of acme's custom roles.
    const other = await json<{ items: RoleJson[] }>(await globex.client.get('/v1/roles'), 200);
    expect(other.items.map((r) => r.key)).not.toContain('auditor');
    await expectProblem(await globex.client.get('/v1/roles/auditor'), 404, 'not-found');
    // Nor can globex's owner change or delete it: the key names no role of theirs.
    await expectProblem(
      await globex.client.patch('/v1/roles/auditor', { permissions: [] }),
      404,
      'not-found',
    );
    await expectProblem(await globex.client.delete('/v1/roles/auditor'), 404, 'not-found');
    const still = await json<RoleJson>(await acme.client.get('/v1/roles/auditor'), 200);
    expect(still.permissions).toEqual(['projects:read', 'audit:read']);
    const audit = await json<{ items: { targetId: string }[] }>(
      await acme.client.get('/v1/audit-events?action=role.created&targetId=auditor'),
      200,
    );
    expect(audit.items).toHaveLength(1);
  });

  it('refuses bad keys, unknown permissions and duplicates', async () => {
    const post = (body: object) =>
      acme.client.post('/v1/roles', { name: 'X', permissions: [], ...body });
    await expectProblem(await post({ key: 'owner' }), 400, 'role-key-reserved');
    await expectProblem(await post({ key: 'Bad Key' }), 400, 'invalid-role-key');
    await expectProblem(
      await post({ key: 'ok-key', permissions: ['root:all'] }),
      400,
      'unknown-permission',
    );
    await json(await post({ key: 'twice' }), 201);
    await expectProblem(await post({ key: 'twice' }), 409, 'role-exists');
  });

  it('built-in roles are immutable, even for owners', async () => {
    for (const key of ['owner', 'admin', 'viewer']) {
      await expectProblem(
        await acme.client.patch(`/v1/roles/${key}`, { permissions: ['audit:read'] }),
        403,
        'builtin-role-immutable',
      );
      await expectProblem(
        await acme.client.delete(`/v1/roles/${key}`),
        403,
        'builtin-role-immutable',
      );
    }
    const viewer = await json<RoleJson>(await acme.client.get('/v1/roles/viewer'), 200);
    expect(viewer.permissions).toEqual(['projects:read', 'members:read']);
  });

  it('a role still bound cannot be deleted (409); once unbound it can', async () => {
    await json(
      await acme.client.post('/v1/roles', { key: 'temp', name: 'Temp', permissions: [] }),
      201,
    );
    const m = await addMember(fx, acme, ['temp']);
    const res = await expectProblem(await acme.client.delete('/v1/roles/temp'), 409, 'role-in-use');
    expect(res.bindings).toBe(1);
    expect((await acme.client.delete(`/v1/role-bindings/user/${m.id}/temp`)).status).toBe(204);
    expect((await acme.client.delete('/v1/roles/temp')).status).toBe(204);
    await expectProblem(await acme.client.get('/v1/roles/temp'), 404, 'not-found');
  });

  it('editing a role changes what its members can do at once', async () => {
    await json(
      await acme.client.post('/v1/roles', {
        key: 'reader',
        name: 'Reader',
        permissions: ['projects:read'],
      }),
      201,
    );
    const m = await addMember(fx, acme, ['reader']);
    await expectProblem(await m.client.get('/v1/audit-events'), 403, 'permission-required');
    const updated = await json<RoleJson>(
      await acme.client.patch('/v1/roles/reader', { permissions: ['projects:read', 'audit:read'] }),
      200,
    );
    expect(updated.permissions).toEqual(['projects:read', 'audit:read']);
    expect((await m.client.get('/v1/audit-events')).status).toBe(200);
    const audit = await json<{ items: { data: Record<string, { permissions: string[] }> }[] }>(
      await acme.client.get('/v1/audit-events?action=role.updated&targetId=reader'),
      200,
    );
    expect(audit.items[0]?.data.before?.permissions).toEqual(['projects:read']);
    expect(audit.items[0]?.data.after?.permissions).toEqual(['projects:read', 'audit:read']);
  });
});

describe('privilege escalation through roles and bindings', () => {
  it('an admin without audit:read cannot create or widen a role with it', async () => {
    await expectProblem(
      await peopleAdmin.client.post('/v1/roles', {
        key: 'sneaky',
        name: 'Sneaky',
        permissions: ['audit:read'],
      }),
      403,
      'permission-not-held',
    );
    await json(
      await peopleAdmin.client.post('/v1/roles', {
        key: 'helper',
        name: 'Helper',
        permissions: ['projects:read'],
      }),
      201,
    );
    const before = await rbacVersion(acme);
    await expectProblem(
      await peopleAdmin.client.patch('/v1/roles/helper', {
        permissions: ['projects:read', 'keys:manage'],
      }),
      403,
      'permission-not-held',
    );
    expect(await rbacVersion(acme)).toBe(before);
    const helper = await json<RoleJson>(await acme.client.get('/v1/roles/helper'), 200);
    expect(helper.permissions).toEqual(['projects:read']);
    await expectProblem(await acme.client.get('/v1/roles/sneaky'), 404, 'not-found');
  });

  it('nor gut or delete a stronger role', async () => {
    await json(
      await acme.client.post('/v1/roles', {
        key: 'strong',
        name: 'Strong',
        permissions: ['audit:read'],
      }),
      201,
    );
    await expectProblem(
      await peopleAdmin.client.patch('/v1/roles/strong', { permissions: [] }),
      403,
      'permission-not-held',
    );
    await expectProblem(
      await peopleAdmin.client.delete('/v1/roles/strong'),
      403,
      'permission-not-held',
    );
  });

  it('cannot bind itself or others to owner, admin or a role holding what it lacks', async () => {
    const target = await addMember(fx, acme, ['viewer']);
    for (const [principalId, roleKey, slug] of [
      [peopleAdmin.id, 'owner', 'owner-only'],
      [target.id, 'owner', 'owner-only'],
      [peopleAdmin.id, 'admin', 'permission-not-held'],
      [target.id, 'strong', 'permission-not-held'],
    ] as const) {
      await expectProblem(
        await peopleAdmin.client.post('/v1/role-bindings', {
          principalType: 'user',
          principalId,
          roleKey,
        }),
        403,
        slug,
      );
    }
    await expectProblem(
      await peopleAdmin.client.request('PUT', `/v1/members/${peopleAdmin.id}/roles`, {
        body: { roleKeys: ['people-admin', 'admin'] },
      }),
      403,
      'permission-not-held',
    );
    const bindings = await fx.testDb.admin.sql`
      select role_key from role_bindings where principal_id in (${peopleAdmin.id}, ${target.id}) order by role_key`;
    expect(bindings.map((b) => b.role_key)).toEqual(['people-admin', 'viewer']);
    // Nor strip a stronger binding from someone else.
    const adminMember = await addMember(fx, acme, ['admin']);
    await expectProblem(
      await peopleAdmin.client.delete(`/v1/role-bindings/user/${adminMember.id}/admin`),
      403,
      'permission-not-held',
    );
  });
});

describe('role bindings', () => {
  it('binds users within the tenant; the binding takes effect at once and is audited', async () => {
    const m = await addMember(fx, acme, ['viewer']);
    await expectProblem(
      await m.client.post('/v1/projects', { name: 'p' }),
      403,
      'permission-required',
    );
    await json(
      await acme.client.post('/v1/role-bindings', {
        principalType: 'user',
        principalId: m.id,
        roleKey: 'member',
      }),
      201,
    );
    expect((await m.client.post('/v1/projects', { name: 'p' })).status).toBe(201);
    await expectProblem(
      await acme.client.post('/v1/role-bindings', {
        principalType: 'user',
        principalId: m.id,
        roleKey: 'member',
      }),
      409,
      'binding-exists',
    );
    const list = await json<{ items: { roleKey: string }[] }>(
      await acme.client.get(`/v1/role-bindings?principalId=${m.id}`),
      200,
    );
    expect(list.items.map((b) => b.roleKey).sort()).toEqual(['member', 'viewer']);
    const audit = await json<{ items: unknown[] }>(
      await acme.client.get(`/v1/audit-events?action=role_binding.created&targetId=${m.id}`),
      200,
    );
    expect(audit.items).toHaveLength(1);
    await expectProblem(
      await acme.client.post('/v1/role-bindings', {
        principalType: 'user',
        principalId: randomUUID(),
        roleKey: 'member',
      }),
      404,
      'not-found',
    );
  });

  it('binds service clients of this tenant, never to owner, and not revoked or foreign ones', async () => {
    const { sql } = fx.testDb.admin;
    const clientId = randomUUID();
    const revokedId = randomUUID();
    const foreignId = randomUUID();
    await sql`insert into service_clients (tenant_id, id, name, secret_hash, scopes, created_by, revoked_at) values
      (${acme.record.id}, ${clientId}, 'ci', 'x', '{}', ${randomUUID()}, null),
      (${acme.record.id}, ${revokedId}, 'old', 'x', '{}', ${randomUUID()}, now()),
      (${globex.record.id}, ${foreignId}, 'theirs', 'x', '{}', ${randomUUID()}, null)`;
    const bind = (principalId: string, roleKey: string) =>
      acme.client.post('/v1/role-bindings', { principalType: 'client', principalId, roleKey });
    await json(await bind(clientId, 'member'), 201);
    await expectProblem(await bind(clientId, 'owner'), 403, 'owner-must-be-user');
    await expectProblem(await bind(revokedId, 'member'), 404, 'not-found');
    await expectProblem(await bind(foreignId, 'member'), 404, 'not-found');
    expect((await acme.client.delete(`/v1/role-bindings/client/${clientId}/member`)).status).toBe(
      204,
    );
    await expectProblem(
      await acme.client.delete(`/v1/role-bindings/client/${clientId}/member`),
      404,
      'not-found',
    );
  });
});
