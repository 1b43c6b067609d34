import { createTenant, schema, type TenantRecord, withTenant } from '@tenantkit/db';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from '@tenantkit/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hashPassword,
  InvalidCredentialsError,
  insertUser,
  loginWithPassword as loginOrChallenge,
  revokeOwnSession,
  SESSION_POLICY,
  type SignedIn,
  sessionKey,
  validateSession,
} from '../src/index.ts';

let db: TestDatabase;
let redis: TestRedis;
let acme: TenantRecord;
let globex: TenantRecord;
const PASSWORD = 'correct horse battery staple';
const actor = {
  actorType: 'anonymous' as const,
  ip: '127.0.0.1',
  userAgent: 'vitest',
  requestId: 'req-1',
};

const ctx = (tenant: TenantRecord) => ({
  deps: { db: db.app, redis: redis.redis, keyPrefix: redis.prefix },
  tenant,
  actor,
});
const deps = () => ctx(acme).deps;

beforeAll(async () => {
  [db, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  const platformDomain = 'tenantkit.localhost';
  acme = (
    await createTenant({
      admin: db.admin.sql,
      input: { slug: 'acme', name: 'Acme', tier: 'dedicated', platformDomain },
    })
  ).tenant;
  globex = (
    await createTenant({
      admin: db.admin.sql,
      input: { slug: 'globex', name: 'Globex', tier: 'pooled', platformDomain },
    })
  ).tenant;
  for (const tenant of [acme, globex]) {
    await withTenant(db.app, tenant.id, (tx) =>
      insertUser(tx, tenant, { email: 'Ada@Example.test', password: PASSWORD }),
    );
  }
});

afterAll(async () => {
  await redis?.close();
  await db?.drop();
});

/** These members have no MFA: every successful sign-in here ends with a session. */
async function loginWithPassword(args: Parameters<typeof loginOrChallenge>[0]): Promise<SignedIn> {
  const result = await loginOrChallenge(args);
  if (result.status !== 'signed_in') throw new Error(`expected a session, got ${result.status}`);
  return result;
}

const auditActions = (tenant: TenantRecord) =>
  db.admin.sql<{ action: string; reason: string | null }[]>`
    select action, data->>'reason' as reason from ${db.admin.sql(tenant.tier === 'pooled' ? 'audit_events_pooled' : `audit_events_t_${tenant.id.replaceAll('-', '')}`)}
    where tenant_id = ${tenant.id} order by seq`;

describe('password login', () => {
  it('creates a session whose token validates, case-insensitively on email', async () => {
    const session = await loginWithPassword({
      ctx: ctx(acme),
      input: { email: 'ada@example.TEST', password: PASSWORD },
    });
    const valid = await validateSession(deps(), acme, session.token);
    expect(valid).toMatchObject({ sessionId: session.sessionId, userId: session.userId });
    expect(await redis.redis.exists(sessionKey(redis.prefix, acme.id, session.sessionId))).toBe(1);
    expect((await auditActions(acme)).at(-1)).toMatchObject({ action: 'auth.login.succeeded' });
  });

  it('answers a wrong password and an unknown account identically, and audits the real reason', async () => {
    const wrong = loginWithPassword({
      ctx: ctx(acme),
      input: { email: 'ada@example.test', password: 'not the password' },
    });
    await expect(wrong).rejects.toBeInstanceOf(InvalidCredentialsError);
    const unknown = loginWithPassword({
      ctx: ctx(acme),
      input: { email: 'nobody@example.test', password: PASSWORD },
    });
    await expect(unknown).rejects.toBeInstanceOf(InvalidCredentialsError);
    const [a, b] = await Promise.allSettled([wrong, unknown]);
    expect(String((a as PromiseRejectedResult).reason.message)).toBe(
      String((b as PromiseRejectedResult).reason.message),
    );
    const reasons = (await auditActions(acme))
      .filter((e) => e.action === 'auth.login.failed')
      .map((e) => e.reason);
    expect(reasons.slice(-2)).toEqual(['bad_password', 'unknown_account']);
  });

  it('refuses a deactivated member with the same answer', async () => {
    await db.admin.sql`update users set status = 'deactivated' where tenant_id = ${globex.id}`;
    await expect(
      loginWithPassword({
        ctx: ctx(globex),
        input: { email: 'ada@example.test', password: PASSWORD },
      }),
    ).rejects.toBeInstanceOf(InvalidCredentialsError);
    await db.admin.sql`update users set status = 'active' where tenant_id = ${globex.id}`;
  });

  it('rehashes a password stored with outdated parameters', async () => {
    const old = await hashPassword(PASSWORD, { memoryCost: 8192, timeCost: 1, parallelism: 1 });
    await db.admin.sql`update users set password_hash = ${old} where tenant_id = ${acme.id}`;
    await loginWithPassword({
      ctx: ctx(acme),
      input: { email: 'ada@example.test', password: PASSWORD },
    });
    const [row] = await db.admin.sql<
      { password_hash: string }[]
    >`select password_hash from users where tenant_id = ${acme.id}`;
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});

describe('session validation', () => {
  it('rejects tampered, truncated and foreign tokens', async () => {
    const { token } = await loginWithPassword({
      ctx: ctx(acme),
      input: { email: 'ada@example.test', password: PASSWORD },
    });
    const last = token.at(-1) === 'A' ? 'E' : 'A';
    for (const bad of [
      `${token.slice(0, -1)}${last}`,
      token.slice(0, -2),
      `${token}x`,
      '',
      'a.b',
      undefined,
    ]) {
      expect(await validateSession(deps(), acme, bad)).toBeNull();
    }
    // Acme's cookie presented on Globex's host: that tenant has no such session.
    expect(await validateSession(deps(), globex, token)).toBeNull();
    expect(await validateSession(deps(), acme, token)).not.toBeNull();
  });

  it('takes a revocation into account at once, although the session was cached', async () => {
    const s = await loginWithPassword({
      ctx: ctx(acme),
      input: { email: 'ada@example.test', password: PASSWORD },
    });
    expect(await validateSession(deps(), acme, s.token)).not.toBeNull();
    expect(
      await revokeOwnSession({
        ctx: ctx(acme),
        input: { userId: s.userId, sessionId: s.sessionId, reason: 'logout' },
      }),
    ).toBe(true);
    expect(await validateSession(deps(), acme, s.token)).toBeNull();
    const rows = await db.admin
      .sql`select 1 from sessions where tenant_id = ${acme.id} and id = ${s.sessionId}`;
    expect(rows).toHaveLength(0);
  });

  it('slides the expiry at most hourly and never past the absolute limit', async () => {
    const s = await loginWithPassword({
      ctx: ctx(acme),
      input: { email: 'ada@example.test', password: PASSWORD },
    });
    const read = async () =>
      (
        await db.admin.sql<
          { expires_at: Date }[]
        >`select expires_at from sessions where tenant_id = ${acme.id} and id = ${s.sessionId}`
      )[0]?.expires_at;
    const ms = async () => new Date((await read()) ?? 0).getTime();
    const before = await ms();
    const soon = Date.now() + 10 * 60 * 1000;
    expect(await validateSession(deps(), acme, s.token, soon)).not.toBeNull();
    expect(await ms()).toBe(before);
    const later = Date.now() + 2 * SESSION_POLICY.extendEveryMs;
    expect(await validateSession(deps(), acme, s.token, later)).not.toBeNull();
    expect(await ms()).toBeGreaterThan(before);
    const tooLate = Date.now() + SESSION_POLICY.absoluteMs + 1000;
    expect(await validateSession(deps(), acme, s.token, tooLate)).toBeNull();
    const idle = Date.now() + SESSION_POLICY.inactivityMs + 3 * SESSION_POLICY.extendEveryMs;
    expect(await validateSession(deps(), acme, s.token, idle)).toBeNull();
  });

  it('stores only a hash of the secret', async () => {
    const s = await loginWithPassword({
      ctx: ctx(acme),
      input: { email: 'ada@example.test', password: PASSWORD },
    });
    const [row] = await withTenant(db.app, acme.id, (tx) =>
      tx.select().from(schema.sessions).where(eq(schema.sessions.id, s.sessionId)),
    );
    const secret = s.token.split('.')[1] ?? '';
    expect(row?.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(secret);
  });
});
