import { withTenant } from '@tenantkit/db';
import { createMember, createSession } from '@tenantkit/identity';
import { type ApiClient, type ApiFixture, apiClient, json, type TestTenant } from './helpers.ts';

let counter = 0;

export interface TestMember {
  id: string;
  email: string;
  sessionId: string;
  token: string;
  client: ApiClient;
}

/** A member with roles and a session (no password: no argon2 work), created as the system. */
export async function addMember(
  fx: ApiFixture,
  tenant: TestTenant,
  roleKeys: string[],
  { email }: { email?: string } = {},
): Promise<TestMember> {
  counter += 1;
  const address = email ?? `admin-test-${counter}@${tenant.record.slug}.test`;
  const { user, session } = await withTenant(fx.testDb.app, tenant.record.id, async (tx) => {
    const { user } = await createMember(
      tx,
      tenant.record,
      { actorType: 'system' },
      { email: address, roleKeys },
    );
    return { user, session: await createSession(tx, tenant.record, { userId: user.id }) };
  });
  return {
    id: user.id,
    email: address,
    sessionId: session.sessionId,
    token: session.token,
    client: apiClient(fx.app, tenant.host, { token: session.token }),
  };
}

/**
 * A concrete URL and body for an admin operation's path template, with fresh resources of
 * `tenant`, so a write or delete in a test harms nothing else. Paths of other resources come
 * back unchanged with no body.
 */
export async function concreteAdminTarget(
  fx: ApiFixture,
  tenant: TestTenant,
  path: string,
): Promise<{ url: string; body?: unknown }> {
  counter += 1;
  let url = path;
  let body: unknown;
  if (path.includes('{memberId}') || path.startsWith('/v1/role-bindings')) {
    const member = await addMember(fx, tenant, ['member']);
    url = url
      .replace('{memberId}', member.id)
      .replace('{sessionId}', member.sessionId)
      .replace('{principalType}', 'user')
      .replace('{principalId}', member.id)
      .replace('{roleKey}', 'member');
    if (path === '/v1/role-bindings') {
      body = { principalType: 'user', principalId: member.id, roleKey: 'viewer' };
    }
    if (path.endsWith('/roles')) body = { roleKeys: ['viewer'] };
  }
  if (path === '/v1/roles/{roleKey}') {
    const role = await json<{ key: string }>(
      await tenant.client.post('/v1/roles', {
        key: `fresh-${counter}`,
        name: 'Fresh',
        permissions: ['projects:read'],
      }),
      201,
    );
    url = url.replace('{roleKey}', role.key);
    body = { name: 'Renamed' };
  }
  if (path === '/v1/roles') {
    body = { key: `created-${counter}`, name: 'Created', permissions: ['projects:read'] };
  }
  if (path.startsWith('/v1/invitations')) {
    const email = `invitee-${counter}@${tenant.record.slug}.test`;
    if (path === '/v1/invitations') body = { email, roleKeys: ['member'] };
    if (path.includes('{invitationId}')) {
      const invitation = await json<{ id: string }>(
        await tenant.client.post('/v1/invitations', { email, roleKeys: ['member'] }),
        201,
      );
      url = url.replace('{invitationId}', invitation.id);
    }
  }
  return body === undefined ? { url } : { url, body };
}

/** Forgets every rate-limit key of the fixture (under `app.request` all callers share one address). */
export async function resetRateLimits(fx: ApiFixture): Promise<void> {
  const keys = await fx.testRedis.redis.keys(`${fx.testRedis.prefix}rl:*`);
  if (keys.length > 0) await fx.testRedis.redis.del(...keys);
}

/** The invitation link of the newest mail to `email`, and its token. */
export async function invitationLink(
  fx: ApiFixture,
  email: string,
): Promise<{ url: URL; token: string }> {
  await fx.smtp.waitForMessage(email);
  const mail = fx.smtp.messagesTo(email).at(-1);
  const match = /https?:\/\/\S+\/invitations\/accept\?token=\S+/.exec(mail?.text ?? '');
  if (!match) throw new Error(`no invitation link in the mail to ${email}`);
  const url = new URL(match[0]);
  return { url, token: url.searchParams.get('token') ?? '' };
}

/** The session cookie a response set. */
export function sessionCookieToken(res: Response): string {
  const match = /__Host-tk_session=([^;]+);/.exec(res.headers.get('set-cookie') ?? '');
  if (!match?.[1]) throw new Error('no session cookie set');
  return match[1];
}
