import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from './admin-helpers.ts';
import {
  type ApiFixture,
  createApiFixture,
  expectProblem,
  expectStatus,
  json,
  type TestTenant,
} from './helpers.ts';
import {
  accessToken,
  bearerClient,
  type CreatedApiKeyJson,
  createApiKey,
  createServiceClient,
} from './machine-helpers.ts';

let fx: ApiFixture;
let acme: TestTenant;
let globex: TestTenant;
let readKey: CreatedApiKeyJson;

beforeAll(async () => {
  fx = await createApiFixture();
  [acme, globex] = await Promise.all([
    fx.tenant('dedicated', 'acme'),
    fx.tenant('pooled', 'globex'),
  ]);
  readKey = await createApiKey(acme.client, { name: 'reader', scopes: ['projects:read'] });
});

afterAll(async () => {
  await fx?.close();
});

const withKey = (key: string, tenant: TestTenant = acme) => bearerClient(fx.app, tenant.host, key);

async function expectInvalidToken(res: Response): Promise<void> {
  await expectProblem(res, 401, 'invalid-token');
  expect(res.headers.get('www-authenticate')).toContain('Bearer');
}

/** The key with one character of its secret changed. */
const tamper = (key: string) => {
  const at = key.length - 10;
  return `${key.slice(0, at)}${key[at] === 'b' ? 'c' : 'b'}${key.slice(at + 1)}`;
};

describe('creating API keys', () => {
  it('shows the secret once, stores only its hash, and never lists it', async () => {
    const res = await acme.client.post('/v1/api-keys', {
      name: 'deploys',
      scopes: ['projects:read', 'projects:write'],
    });
    const created = await json<CreatedApiKeyJson>(res, 201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(created.key).toMatch(/^tk_live_[a-z2-7]{12}_[a-z2-7]{52}$/);
    expect(created.prefix).toBe(`tk_live_${created.id}_…`);
    const secret = created.key.split('_').at(-1) ?? '';
    const [row] = await fx.testDb.admin.sql<{ secret_hash: string }[]>`
      select secret_hash from api_keys where tenant_id = ${acme.record.id} and id = ${created.id}`;
    expect(row?.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.secret_hash).not.toContain(secret);
    const listRes = await acme.client.get('/v1/api-keys');
    const text = await listRes.clone().text();
    expect(text).not.toContain(secret);
    const list = await json<{ items: Record<string, unknown>[] }>(listRes, 200);
    const listed = list.items.find((k) => k.id === created.id);
    expect(listed).toMatchObject({
      name: 'deploys',
      prefix: created.prefix,
      scopes: ['projects:read', 'projects:write'],
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(listed).not.toHaveProperty('key');
  });

  it('refuses scopes the creator does not hold (403) and unknown scopes (422)', async () => {
    const viewer = await acme.member(['viewer']);
    await expectProblem(
      await viewer.post('/v1/api-keys', { name: 'x', scopes: ['projects:read'] }),
      403,
      'permission-required',
    );
    // A member who may manage keys but holds projects:read only.
    await fx.testDb.admin.sql`
      insert into roles (tenant_id, key, name, permissions)
      values (${acme.record.id}, 'keymaster', 'Keymaster', '{keys:manage,projects:read}')`;
    const keymaster = await acme.member(['keymaster']);
    for (const path of ['/v1/api-keys', '/v1/service-clients']) {
      const res = await keymaster.post(path, { name: 'escalated', scopes: ['projects:write'] });
      const problem = await expectProblem(res, 403, 'permission-not-held');
      expect(problem.missingPermissions).toEqual(['projects:write']);
    }
    // A key that holds keys:manage and projects:read only cannot mint a projects:write key.
    const narrow = await createApiKey(acme.client, {
      name: 'narrow manager',
      scopes: ['keys:manage', 'projects:read'],
    });
    const escalate = await withKey(narrow.key).post('/v1/api-keys', {
      name: 'escalated',
      scopes: ['projects:read', 'projects:write'],
    });
    const problem = await expectProblem(escalate, 403, 'permission-not-held');
    expect(problem.missingPermissions).toEqual(['projects:write']);
    const client = await withKey(narrow.key).post('/v1/service-clients', {
      name: 'escalated',
      scopes: ['members:manage'],
    });
    await expectProblem(client, 403, 'permission-not-held');
    const [row] = await fx.testDb.admin.sql<{ count: string }[]>`
      select (select count(*) from api_keys where name = 'escalated')
        + (select count(*) from service_clients where name = 'escalated') as count`;
    expect(Number(row?.count)).toBe(0);
    // Within its own scopes it may create keys.
    expect(
      (await withKey(narrow.key).post('/v1/api-keys', { name: 'ok', scopes: ['projects:read'] }))
        .status,
    ).toBe(201);
    const unknown = await acme.client.post('/v1/api-keys', { name: 'x', scopes: ['root'] });
    expect(unknown.status).toBe(422);
  });

  it('refuses an expiry in the past', async () => {
    const res = await acme.client.post('/v1/api-keys', {
      name: 'old',
      scopes: ['projects:read'],
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    await expectProblem(res, 422, 'invalid-expiry');
  });
});

describe('authenticating with an API key', () => {
  it('serves the key within its scopes and records the last use at most once a minute', async () => {
    const key = await createApiKey(acme.client, { scopes: ['projects:read'] });
    expect((await withKey(key.key).get('/v1/projects')).status).toBe(200);
    await expectProblem(
      await withKey(key.key).post('/v1/projects', { name: 'no' }),
      403,
      'permission-required',
    );
    const lastUsedYear = async () => {
      const [row] = await fx.testDb.admin.sql<{ year: string | null }[]>`
        select to_char(last_used_at, 'YYYY') as year from api_keys
        where tenant_id = ${acme.record.id} and id = ${key.id}`;
      return row?.year ?? null;
    };
    expect(await lastUsedYear()).toBe(String(new Date().getUTCFullYear()));
    await fx.testDb.admin.sql`
      update api_keys set last_used_at = '2000-01-01' where tenant_id = ${acme.record.id} and id = ${key.id}`;
    expect((await withKey(key.key).get('/v1/projects')).status).toBe(200);
    // Inside the minute the gate holds: no second write.
    expect(await lastUsedYear()).toBe('2000');
  });

  it('writes made with a key are audited as the key', async () => {
    const writer = await createApiKey(acme.client, { scopes: ['keys:manage'] });
    const made = await createApiKey(withKey(writer.key), { scopes: ['keys:manage'] });
    const events = await json<{ items: Record<string, unknown>[] }>(
      await acme.client.get(`/v1/audit-events?action=api_key.created&targetId=${made.id}`),
      200,
    );
    expect(events.items[0]).toMatchObject({ actorType: 'api_key', actorId: writer.id });
  });

  it('refuses a revoked key at once', async () => {
    const key = await createApiKey(acme.client, { scopes: ['projects:read'] });
    expect((await withKey(key.key).get('/v1/projects')).status).toBe(200);
    expect((await acme.client.delete(`/v1/api-keys/${key.id}`)).status).toBe(204);
    await expectInvalidToken(await withKey(key.key).get('/v1/projects'));
    const list = await json<{ items: { id: string; revokedAt: string | null }[] }>(
      await acme.client.get('/v1/api-keys'),
      200,
    );
    expect(list.items.find((k) => k.id === key.id)?.revokedAt).not.toBeNull();
    const events = await json<{ items: unknown[] }>(
      await acme.client.get(`/v1/audit-events?action=api_key.revoked&targetId=${key.id}`),
      200,
    );
    expect(events.items).toHaveLength(1);
  });

  it('refuses an expired key', async () => {
    const key = await createApiKey(acme.client, {
      scopes: ['projects:read'],
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect((await withKey(key.key).get('/v1/projects')).status).toBe(200);
    await fx.testDb.admin.sql`
      update api_keys set expires_at = now() - interval '1 second'
      where tenant_id = ${acme.record.id} and id = ${key.id}`;
    await expectInvalidToken(await withKey(key.key).get('/v1/projects'));
  });

  it("refuses another tenant's key on this host", async () => {
    const globexKey = await createApiKey(globex.client, { scopes: ['projects:read'] });
    expect((await withKey(globexKey.key, globex).get('/v1/projects')).status).toBe(200);
    await expectInvalidToken(await withKey(globexKey.key, acme).get('/v1/projects'));
    await expectInvalidToken(await withKey(readKey.key, globex).get('/v1/projects'));
  });

  it('refuses a truncated, extended or tampered key, and a client secret used as a key', async () => {
    const client = await createServiceClient(acme.client, ['projects:read']);
    for (const presented of [
      readKey.key.slice(0, -1),
      readKey.key.slice(0, 30),
      `${readKey.key}a`,
      tamper(readKey.key),
      readKey.key.replace('tk_live_', 'tk_test_'),
      readKey.key.toUpperCase(),
      client.clientSecret,
      'tk_live_',
    ]) {
      await expectInvalidToken(await withKey(presented).get('/v1/projects'));
    }
    expect((await withKey(readKey.key).get('/v1/projects')).status).toBe(200);
  });

  it('caps a key by what its creator holds now', async () => {
    // A key created by a member whose role is later reduced loses what the role lost.
    const member = await acme.member(['admin']);
    const key = await createApiKey(member, { scopes: ['projects:read', 'keys:manage'] });
    expect((await withKey(key.key).get('/v1/api-keys')).status).toBe(200);
    await fx.testDb.admin.sql`
      update role_bindings set role_key = 'viewer'
      where tenant_id = ${acme.record.id} and principal_type = 'user' and role_key = 'admin'`;
    await fx.testDb.admin.sql`
      update tenant_security set rbac_version = rbac_version + 1 where tenant_id = ${acme.record.id}`;
    await fx.testRedis.redis.del(`${fx.testRedis.prefix}t:{${acme.record.id}}:rbac:version`);
    expect((await withKey(key.key).get('/v1/projects')).status).toBe(200);
    await expectProblem(await withKey(key.key).get('/v1/api-keys'), 403, 'permission-required');
  });
});

describe('API keys of a deactivated member', () => {
  it('grant nothing while the member is deactivated, and come back with them', async () => {
    const member = await addMember(fx, acme, ['admin']);
    const key = await createApiKey(member.client, { scopes: ['projects:read'] });
    expect((await withKey(key.key).get('/v1/projects')).status).toBe(200);
    await expectStatus(await acme.client.post(`/v1/members/${member.id}/deactivate`, {}), 200);
    // The key still authenticates (it is the creator who is gone), but holds no permission.
    await expectProblem(await withKey(key.key).get('/v1/projects'), 403, 'permission-required');
    await expectStatus(await acme.client.post(`/v1/members/${member.id}/reactivate`, {}), 200);
    expect((await withKey(key.key).get('/v1/projects')).status).toBe(200);
  });
});

describe('API keys created by a service client', () => {
  it('are capped by the client scopes and disarmed when the client is revoked', async () => {
    const client = await createServiceClient(acme.client, ['keys:manage', 'projects:read']);
    const token = await accessToken(fx.app, acme.host, client);
    const made = await createApiKey(bearerClient(fx.app, acme.host, token), {
      scopes: ['projects:read'],
    });
    const [row] = await fx.testDb.admin.sql<{ created_by: string; created_by_type: string }[]>`
      select created_by, created_by_type from api_keys
      where tenant_id = ${acme.record.id} and id = ${made.id}`;
    expect(row).toEqual({ created_by: client.clientId, created_by_type: 'client' });
    expect((await withKey(made.key).get('/v1/projects')).status).toBe(200);
    expect((await acme.client.delete(`/v1/service-clients/${client.clientId}`)).status).toBe(204);
    // The key still authenticates, but a revoked creator leaves it no permission at all.
    await expectProblem(await withKey(made.key).get('/v1/projects'), 403, 'permission-required');
  });
});

describe('managing keys and clients', () => {
  it('revoking an unknown or foreign key or client is 404', async () => {
    const globexKey = await createApiKey(globex.client, { scopes: ['projects:read'] });
    await expectProblem(await acme.client.delete(`/v1/api-keys/${globexKey.id}`), 404, 'not-found');
    await expectProblem(await acme.client.delete('/v1/api-keys/aaaaaaaaaaaa'), 404, 'not-found');
    const globexClient = await createServiceClient(globex.client, ['projects:read']);
    await expectProblem(
      await acme.client.delete(`/v1/service-clients/${globexClient.clientId}`),
      404,
      'not-found',
    );
    // Still alive at globex.
    expect((await withKey(globexKey.key, globex).get('/v1/projects')).status).toBe(200);
  });

  it('lists service clients without secrets, and audits create and revoke', async () => {
    const created = await createServiceClient(acme.client, ['projects:read']);
    expect(created.clientSecret).toMatch(/^tk_cs_/);
    const res = await acme.client.get('/v1/service-clients');
    expect(await res.clone().text()).not.toContain(created.clientSecret.split('_').at(-1));
    const list = await json<{ items: { clientId: string }[] }>(res, 200);
    expect(list.items.map((c) => c.clientId)).toContain(created.clientId);
    expect((await acme.client.delete(`/v1/service-clients/${created.clientId}`)).status).toBe(204);
    for (const action of ['service_client.created', 'service_client.revoked']) {
      const events = await json<{ items: unknown[] }>(
        await acme.client.get(`/v1/audit-events?action=${action}&targetId=${created.clientId}`),
        200,
      );
      expect(events.items, action).toHaveLength(1);
    }
  });
});
