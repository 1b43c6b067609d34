import type { OpenAPIHono } from '@hono/zod-openapi';
import { generateHOTP } from '@oslojs/otp';
import { withTenant } from '@tenantkit/db';
import { createLogger } from '@tenantkit/http';
import {
  createMember,
  createSession,
  parseKeyRing,
  SESSION_COOKIE,
  totpStep,
} from '@tenantkit/identity';
import { onboardTenant, wildcardDns } from '@tenantkit/lifecycle';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from '@tenantkit/testing';
import { JobsClient } from '@tenantkit/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { OPS_SESSION_COOKIE } from '../src/auth/operator-session.ts';
import { createOperator } from '../src/operators/store.ts';

const OPS_HOST = 'ops.tenantkit.localhost';
const KEYRING = 'test:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';
const PASSWORD = 'correct horse battery staple 42';
let db: TestDatabase;
let redis: TestRedis;
let jobs: JobsClient;
let app: OpenAPIHono;
let totpSecret: Uint8Array;
let tenantId: string;
let tenantSessionToken: string;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await createTestRedis();
  jobs = new JobsClient({
    redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    prefix: `${redis.prefix}bull`,
    admin: db.admin,
  });
  const keyRing = parseKeyRing(KEYRING);
  const lifecycle = {
    admin: db.admin,
    app: db.app,
    redis: redis.redis,
    keyPrefix: redis.prefix,
    platformDomain: 'tenantkit.localhost',
    dns: wildcardDns,
    mail: { send: async () => {} },
  };
  app = createApp({
    admin: db.admin,
    jobs,
    keyRing,
    lifecycle,
    logger: createLogger({ level: 'silent' }),
    opsHost: OPS_HOST,
    trustedProxies: new Set(),
    deletionGraceMs: 3_600_000,
  });
  const operator = await createOperator(db.admin, keyRing, {
    email: 'root@ops.test',
    password: PASSWORD,
  });
  totpSecret = new Uint8Array(Buffer.from(base32Decode(operator.totpSecretBase32)));
  const { tenant } = await onboardTenant({
    deps: lifecycle,
    actor: { type: 'system', id: 'test' },
    input: { tenantId: crypto.randomUUID(), slug: 'victim', name: 'Victim', tier: 'pooled' },
  });
  tenantId = tenant.id;
  nextStep = totpStep() - 1;
  operatorCookie = await signIn();
  tenantSessionToken = await withTenant(db.app, tenant.id, async (tx) => {
    const { user } = await createMember(
      tx,
      tenant,
      { actorType: 'system' },
      {
        email: 'owner@victim.test',
        password: PASSWORD,
        roleKeys: ['owner'],
      },
    );
    return (await createSession(tx, tenant, { userId: user.id })).token;
  });
});
afterAll(async () => {
  await jobs?.close();
  await redis?.close();
  await db?.drop();
});

function base32Decode(text: string): number[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of text.replace(/=+$/, ''))
    bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  return (bits.match(/.{8}/g) ?? []).map((b) => Number.parseInt(b, 2));
}

const codeAt = (step: number) => generateHOTP(totpSecret, BigInt(step), 6);
// Codes are single-use and only the current step +-1 is accepted, so the file signs in three
// times in all: once in beforeAll (shared cookie), then in the replay and logout tests.
let nextStep = 0;
let operatorCookie = '';

const request = (path: string, init: RequestInit & { host?: string; cookie?: string } = {}) => {
  const headers = new Headers(init.headers);
  headers.set('host', init.host ?? OPS_HOST);
  if (init.cookie) headers.set('cookie', init.cookie);
  if (init.method && init.method !== 'GET') headers.set('content-type', 'application/json');
  return app.request(`http://${init.host ?? OPS_HOST}${path}`, { ...init, headers });
};
const login = (body: object, host?: string) =>
  request('/auth/login', { method: 'POST', body: JSON.stringify(body), host });
const cookieOf = (response: Response) =>
  /__Host-tk_ops_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];

async function signIn(): Promise<string> {
  const response = await login({
    email: 'root@ops.test',
    password: PASSWORD,
    totp: codeAt(nextStep++),
  });
  expect(response.status).toBe(204);
  const token = cookieOf(response);
  if (!token) throw new Error('no session cookie');
  return `${OPS_SESSION_COOKIE}=${token}`;
}

describe('operator realm', () => {
  it('refuses a password without a TOTP code, and sets no cookie', async () => {
    const response = await login({ email: 'root@ops.test', password: PASSWORD });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { type: string }).type).toMatch(/totp-required$/);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a wrong code, a wrong password and an unknown operator alike', async () => {
    const wrongCode = String((Number(codeAt(totpStep())) + 1) % 1_000_000).padStart(6, '0');
    for (const body of [
      { email: 'root@ops.test', password: PASSWORD, totp: wrongCode },
      { email: 'root@ops.test', password: 'not the password at all', totp: codeAt(totpStep()) },
      { email: 'nobody@ops.test', password: PASSWORD, totp: codeAt(totpStep()) },
    ]) {
      const response = await login(body);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { type: string }).type).toMatch(/invalid-credentials$/);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
  });

  it('limits sign-in attempts per account, known or not', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const response = await login({
        email: 'guess@ops.test',
        password: 'wrong guess',
        totp: '123456',
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
  }, 60_000);

  it('accepts password + code once; the same code is refused the second time', async () => {
    const step = nextStep++;
    const first = await login({ email: 'root@ops.test', password: PASSWORD, totp: codeAt(step) });
    expect(first.status).toBe(204);
    expect(first.headers.get('set-cookie')).toMatch(/__Host-tk_ops_session=.*HttpOnly.*Secure/i);
    const replay = await login({ email: 'root@ops.test', password: PASSWORD, totp: codeAt(step) });
    expect(replay.status).toBe(401);
  });

  it('answers on the ops host only: other hosts get 404, even with a valid operator cookie', async () => {
    const cookie = operatorCookie;
    for (const host of ['victim.tenantkit.localhost', 'tenantkit.localhost', 'ops.evil.test']) {
      expect((await request('/v1/tenants', { cookie, host })).status).toBe(404);
      expect((await request('/queues', { cookie, host })).status).toBe(404);
    }
    const onOtherHost = await login(
      { email: 'root@ops.test', password: PASSWORD, totp: codeAt(nextStep) },
      'victim.tenantkit.localhost',
    );
    expect(onOtherHost.status).toBe(404);
  });

  it("does not accept a tenant's session cookie, under either cookie name", async () => {
    for (const cookie of [
      `${SESSION_COOKIE}=${tenantSessionToken}`,
      `${OPS_SESSION_COOKIE}=${tenantSessionToken}`,
    ]) {
      expect((await request('/v1/tenants', { cookie })).status).toBe(401);
      expect((await request('/queues', { cookie })).status).toBe(401);
      const suspend = await request('/v1/tenants/victim/suspend', { method: 'POST', cookie });
      expect(suspend.status).toBe(401);
    }
    const [row] = await db.admin.sql`select status from tenants where id = ${tenantId}`;
    expect(row?.status).toBe('active');
  });

  it('refuses a cross-origin write carrying the operator cookie', async () => {
    const cookie = operatorCookie;
    const response = await request('/v1/tenants/victim/suspend', {
      method: 'POST',
      cookie,
      headers: { origin: 'https://victim.tenantkit.localhost' },
    });
    expect(response.status).toBe(403);
  });

  it('lets a signed-in operator list, suspend and resume tenants, and open Bull Board', async () => {
    const cookie = operatorCookie;
    const list = await request('/v1/tenants', { cookie });
    expect(list.status).toBe(200);
    expect(
      ((await list.json()) as { items: { slug: string }[] }).items.map(
        (t: { slug: string }) => t.slug,
      ),
    ).toContain('victim');
    const suspended = await request('/v1/tenants/victim/suspend', { method: 'POST', cookie });
    expect(suspended.status).toBe(200);
    expect(((await suspended.json()) as { status: string }).status).toBe('suspended');
    expect((await request('/v1/tenants/victim/resume', { method: 'POST', cookie })).status).toBe(
      200,
    );
    const board = await request('/queues', { cookie });
    expect(board.status).toBe(200);
    expect(await board.text()).toMatch(/<html/i);
    expect((await request('/queues/api/queues', { cookie })).status).toBe(200);
  });

  it('refuses Bull Board and the API without a session, and after logout', async () => {
    expect((await request('/queues')).status).toBe(401);
    expect((await request('/queues/api/queues')).status).toBe(401);
    const cookie = await signIn();
    expect((await request('/auth/logout', { method: 'POST', cookie })).status).toBe(204);
    expect((await request('/v1/tenants', { cookie })).status).toBe(401);
  });
});
