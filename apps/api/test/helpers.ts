import { randomBytes } from 'node:crypto';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createTenant, type TenantRecord, withTenant } from '@tenantkit/db';
import { createDnsResolver } from '@tenantkit/domains';
import { createLogger } from '@tenantkit/http';
import {
  createIdentityCache,
  createMember,
  createSession,
  type NearCache,
  parseKeyRing,
  provisionTenantIdentity,
  SESSION_COOKIE,
} from '@tenantkit/identity';
import { createSmtpSender } from '@tenantkit/mail';
import { publishTenantChange, TenantResolver } from '@tenantkit/tenancy';
import {
  createTestDatabase,
  createTestRedis,
  startTestSmtpServer,
  type TestDatabase,
  type TestRedis,
  type TestSmtpServer,
  testServices,
} from '@tenantkit/testing';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { createApp } from '../src/app.ts';
import type { ApiDeps } from '../src/deps.ts';
import type { Lifecycle } from '../src/routes/system/health.ts';

export { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis, testServices };

export const PLATFORM_DOMAIN = 'tenantkit.localhost';
export const PROBLEM_BASE = 'https://tenantkit.dev/problems/';

export interface AppOptions {
  bodyLimitBytes?: number;
  trustedProxies?: readonly string[];
  lifecycle?: Lifecycle;
  /** A Redis connection of this app's own; defaults to the fixture's shared one. */
  redis?: Redis;
  /** DNS servers for ownership checks (a `startTestDnsServer()`); by default none answers. */
  dnsServers?: readonly string[];
  /** /v1 rate limits x this; suites send thousands of requests, so 1,000 unless given. */
  apiRateLimitScale?: number;
}

/** The discard port: lookups fail fast instead of reaching the machine's own resolvers. */
const UNREACHABLE_DNS = '127.0.0.1:9';

export interface BuiltApp {
  app: OpenAPIHono;
  deps: ApiDeps;
  lifecycle: Lifecycle;
}

export interface ApiFixture extends BuiltApp {
  testDb: TestDatabase;
  testRedis: TestRedis;
  /** The SMTP server the apps' mail goes to; tests read what was sent from it. */
  smtp: TestSmtpServer;
  /** Another app over the same database, Redis and key prefix, with its own resolver. */
  buildApp(options?: AppOptions): Promise<BuiltApp>;
  tenant(tier: 'pooled' | 'dedicated', slug?: string): Promise<TestTenant>;
  /** Sets a tenant's status as the admin and tells every resolver, like the ops app would. */
  setTenantStatus(tenant: TenantRecord, status: TenantRecord['status']): Promise<void>;
  /** A separate Redis connection, as another api process would have; closed with the fixture. */
  connectRedis(): Promise<Redis>;
  close(): Promise<void>;
}

export interface TestTenant {
  record: TenantRecord;
  host: string;
  /** The session token of the tenant's first owner. */
  token: string;
  /** Signed in as the tenant's owner (cookie and same-origin headers, like its own pages). */
  client: ApiClient;
  /** No credential at all. */
  anonymous: ApiClient;
  /** Signed in as a new member bound to `roleKeys`. */
  member(roleKeys: string[]): Promise<ApiClient>;
}

let memberCounter = 0;

/**
 * Creates a member with the given roles and a session for them, straight through the identity
 * services (no argon2 work: these members have no password). Returns the session token.
 */
export async function signIn(
  testDb: TestDatabase,
  tenant: TenantRecord,
  roleKeys: string[],
  { provision = false }: { provision?: boolean } = {},
): Promise<string> {
  memberCounter += 1;
  return withTenant(testDb.app, tenant.id, async (tx) => {
    if (provision) await provisionTenantIdentity(tx, tenant);
    const { user } = await createMember(
      tx,
      tenant,
      { actorType: 'system' },
      {
        email: `member${memberCounter}@${tenant.slug}.test`,
        roleKeys,
      },
    );
    return (await createSession(tx, tenant, { userId: user.id })).token;
  });
}

/**
 * One file's world: its own database (cloned from the migrated template) and Redis prefix, a
 * resolver subscribed to that prefix, and the app built exactly as `startApi` builds it.
 */
export async function createApiFixture(options: AppOptions = {}): Promise<ApiFixture> {
  const [testDb, testRedis, smtp] = await Promise.all([
    createTestDatabase(),
    createTestRedis(),
    startTestSmtpServer(),
  ]);
  const mail = createSmtpSender({ url: smtp.url, from: 'Tenantkit <no-reply@tenantkit.test>' });
  const resolvers: TenantResolver[] = [];
  const identityCaches: NearCache[] = [];
  const ownRedis: Redis[] = [];
  const logger = createLogger({ level: 'silent' });
  // A fresh key ring per fixture: nothing one test file encrypts is readable by another.
  const keyRing = parseKeyRing(`test:${randomBytes(32).toString('base64')}`);

  const buildApp = async (opts: AppOptions = {}): Promise<BuiltApp> => {
    const redis = opts.redis ?? testRedis.redis;
    const resolver = new TenantResolver({
      db: testDb.app,
      redis,
      keyPrefix: testRedis.prefix,
      platformDomain: PLATFORM_DOMAIN,
    });
    await resolver.start();
    resolvers.push(resolver);
    const identityCache = createIdentityCache({ redis, keyPrefix: testRedis.prefix });
    await identityCache.start();
    identityCaches.push(identityCache);
    const deps: ApiDeps = {
      db: testDb.app,
      redis,
      resolver,
      identityCache,
      logger,
      platformDomain: PLATFORM_DOMAIN,
      keyPrefix: testRedis.prefix,
      trustedProxies: opts.trustedProxies ?? [],
      bodyLimitBytes: opts.bodyLimitBytes ?? 1_048_576,
      keyRing,
      dnsResolver: createDnsResolver(opts.dnsServers ?? [UNREACHABLE_DNS]),
      mail,
      // Test IdPs (packages/testing) run on plain http on loopback.
      ssoAllowInsecureIssuers: true,
      apiRateLimitScale: opts.apiRateLimitScale ?? options.apiRateLimitScale ?? 1_000,
    };
    const lifecycle = opts.lifecycle ?? { draining: false };
    return { app: createApp(deps, lifecycle), deps, lifecycle };
  };

  const main = await buildApp(options);
  let slugCounter = 0;
  const fixture: ApiFixture = {
    ...main,
    testDb,
    testRedis,
    smtp,
    buildApp,
    async tenant(tier, slug) {
      slugCounter += 1;
      const chosen = slug ?? `${tier}-${slugCounter}`;
      const { tenant } = await createTenant({
        admin: testDb.admin.sql,
        input: { slug: chosen, name: `Tenant ${chosen}`, tier, platformDomain: PLATFORM_DOMAIN },
      });
      const host = `${tenant.slug}.${PLATFORM_DOMAIN}`;
      const token = await signIn(testDb, tenant, ['owner'], { provision: true });
      return {
        record: tenant,
        host,
        token,
        client: apiClient(main.app, host, { token }),
        anonymous: apiClient(main.app, host),
        member: async (roleKeys) =>
          apiClient(main.app, host, { token: await signIn(testDb, tenant, roleKeys) }),
      };
    },
    async setTenantStatus(tenant, status) {
      await testDb.admin.sql`update tenants set status = ${status} where id = ${tenant.id}`;
      await publishTenantChange(testRedis.redis, testRedis.prefix, {
        tenantId: tenant.id,
        hosts: [`${tenant.slug}.${PLATFORM_DOMAIN}`],
      });
    },
    async connectRedis() {
      const redis = new Redis(testServices.redisUrl, {
        lazyConnect: true,
        maxRetriesPerRequest: 2,
      });
      ownRedis.push(redis);
      await redis.connect();
      return redis;
    },
    async close() {
      await Promise.all(resolvers.map((r) => r.close()));
      await Promise.all(identityCaches.map((c) => c.close()));
      await Promise.all(ownRedis.map((r) => r.quit().catch(() => {})));
      await testRedis.close();
      await mail.close();
      await smtp.close();
      await testDb.drop();
    },
  };
  return fixture;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface ApiClient {
  host: string;
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  get(path: string, options?: RequestOptions): Promise<Response>;
  post(path: string, body: unknown, options?: RequestOptions): Promise<Response>;
  patch(path: string, body: unknown, options?: RequestOptions): Promise<Response>;
  delete(path: string, options?: RequestOptions): Promise<Response>;
}

/** The headers a signed-in browser on `host`'s own pages sends. */
export function authHeaders(token: string, host: string): Record<string, string> {
  return { cookie: `${SESSION_COOKIE}=${token}`, origin: `http://${host}` };
}

/**
 * `app.request` with the Host header of one tenant and JSON bodies; with a token, also the
 * session cookie and the `Origin` a browser on the tenant's own pages would send.
 */
export function apiClient(
  app: OpenAPIHono,
  host: string,
  { token }: { token?: string } = {},
): ApiClient {
  const auth = token ? authHeaders(token, host) : {};
  const request = async (method: string, path: string, options: RequestOptions = {}) => {
    const headers: Record<string, string> = { host, ...auth, ...options.headers };
    let body: string | undefined = options.rawBody;
    if (body === undefined && options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
    return app.request(path, { method, headers, body });
  };
  return {
    host,
    request,
    get: (path, options) => request('GET', path, options),
    post: (path, body, options) => request('POST', path, { ...options, body }),
    patch: (path, body, options) => request('PATCH', path, { ...options, body }),
    delete: (path, options) => request('DELETE', path, options),
  };
}

export interface ProjectJson {
  id: string;
  name: string;
  description: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface TaskJson {
  id: string;
  projectId: string;
  title: string;
  done: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface PageJson<T> {
  items: T[];
  nextCursor: string | null;
}

/** Asserts a status, naming the body in the failure message so a wrong answer is readable. */
export async function expectStatus(res: Response, status: number): Promise<void> {
  if (res.status !== status) {
    const text = await res.clone().text();
    expect.fail(`expected ${status}, got ${res.status}: ${text.slice(0, 500)}`);
  }
}

export async function json<T>(res: Response, status: number): Promise<T> {
  await expectStatus(res, status);
  return (await res.json()) as T;
}

/** Asserts a problem+json response of this status and slug, and returns its body. */
export async function expectProblem(
  res: Response,
  status: number,
  slug: string,
): Promise<Record<string, unknown>> {
  await expectStatus(res, status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ type: `${PROBLEM_BASE}${slug}`, status });
  return body;
}

export async function createProject(
  client: ApiClient,
  body: { name: string; description?: string } = { name: 'Project' },
): Promise<ProjectJson> {
  return json<ProjectJson>(await client.post('/v1/projects', body), 201);
}

export async function createTask(
  client: ApiClient,
  projectId: string,
  body: { title: string; done?: boolean } = { title: 'Task' },
): Promise<TaskJson> {
  return json<TaskJson>(await client.post(`/v1/projects/${projectId}/tasks`, body), 201);
}

/** Polls `probe` until it returns true or `timeoutMs` passes; returns whether it succeeded. */
export async function waitFor(
  probe: () => Promise<boolean>,
  { timeoutMs = 2_000, intervalMs = 20 } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Every tenant-owned row, read as the admin (no RLS), in a stable order. */
export async function snapshotRows(testDb: TestDatabase): Promise<unknown> {
  const { sql } = testDb.admin;
  const [tenants, projects, tasks] = await Promise.all([
    sql`select id, slug, name, status, tier, plan, updated_at from tenants order by id`,
    sql`select * from projects order by tenant_id, id`,
    sql`select tableoid::regclass::text as relation, * from tasks_pooled
        union all
        select tableoid::regclass::text as relation, * from tasks_dedicated
        order by tenant_id, id`,
  ]);
  return { tenants: [...tenants], projects: [...projects], tasks: [...tasks] };
}
