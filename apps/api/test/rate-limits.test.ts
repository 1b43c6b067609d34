import { OpenAPIHono } from '@hono/zod-openapi';
import { type TenantRecord, uuidv7 } from '@tenantkit/db';
import { createLogger, errorHandler } from '@tenantkit/http';
import { parseSessionToken, SESSION_TOMBSTONE, sessionKey } from '@tenantkit/identity';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, requireAuth } from '../src/auth/authenticate.ts';
import type { Principal } from '../src/auth/principal.ts';
import {
  API_CREDENTIAL_LIMITS,
  API_PLAN_LIMITS,
  apiLimits,
  apiRateLimit,
} from '../src/middleware/api-rate-limit.ts';
import { resolveTenant } from '../src/middleware/tenant.ts';
import {
  type ApiClient,
  type ApiFixture,
  apiClient,
  createApiFixture,
  expectProblem,
  expectStatus,
  type TestTenant,
} from './helpers.ts';
import { accessToken, bearerClient, createServiceClient } from './machine-helpers.ts';

// The limits as shipped (scale 1), so every number below is the production one.
let fx: ApiFixture;
beforeAll(async () => {
  fx = await createApiFixture({ apiRateLimitScale: 1 });
});
afterAll(async () => {
  await fx?.close();
});

const SESSION = API_CREDENTIAL_LIMITS.session as { limit: number; burst: number };
const FREE = API_PLAN_LIMITS.free as { limit: number; burst: number };
const TENANT: TenantRecord = {
  id: '',
  slug: 'x',
  name: 'X',
  status: 'active',
  tier: 'pooled',
  plan: 'free',
};
const READER: Principal = {
  type: 'user',
  id: '00000000-0000-7000-8000-000000000001',
  via: 'session',
  sessionId: '',
  permissions: new Set(),
};

async function tenantOnPlan(plan: string): Promise<TestTenant> {
  const tenant = await fx.tenant('pooled');
  // Before the host's first request, so the resolver caches the tenant with this plan.
  await fx.testDb.admin.sql`update tenants set plan = ${plan} where id = ${tenant.record.id}`;
  return tenant;
}

interface Flood {
  statuses: number[];
  /** The first refusal, unread, for its headers and body. */
  refused?: Response;
}

/** Sends `n` reads, `parallel` at a time. */
async function flood(client: ApiClient, n: number, parallel = 10): Promise<Flood> {
  const result: Flood = { statuses: [] };
  for (let i = 0; i < n; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, n - i) }, () =>
      client.get('/v1/projects'),
    );
    for (const res of await Promise.all(batch)) {
      result.statuses.push(res.status);
      if (res.status === 429 && !result.refused) result.refused = res;
      else await res.body?.cancel();
    }
  }
  return result;
}

function sessionIdOf(token: string): string {
  const parsed = parseSessionToken(token);
  if (!parsed) throw new Error('not a session token');
  return parsed.id;
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe('/v1 rate limits', () => {
  it('describes the tighter limit on every response', async () => {
    const tenant = await tenantOnPlan('free');
    const res = await tenant.client.get('/v1/projects');
    await expectStatus(res, 200);
    // The session's burst is smaller than the free tenant's, so it is the tighter one.
    expect(res.headers.get('ratelimit-policy')).toBe(
      `"credential";q=${SESSION.limit};w=60;tk-burst=${SESSION.burst}`,
    );
    expect(res.headers.get('ratelimit')).toMatch(
      new RegExp(`^"credential";r=${SESSION.burst - 1};t=\\d+$`),
    );
  });

  it('answers a flood from one session with 429s; other members and tenants are unaffected', async () => {
    const victim = await tenantOnPlan('free');
    const attacker = await victim.member(['viewer']);
    const bystander = await tenantOnPlan('free');

    const { statuses, refused } = await flood(attacker, 200, 20);
    // The quota refills at 5 units a second, so a slow machine lets a few more through; never
    // the whole flood.
    expect(count(statuses, 200)).toBeGreaterThanOrEqual(SESSION.burst);
    expect(count(statuses, 429)).toBeGreaterThan(0);
    expect(count(statuses, 200) + count(statuses, 429)).toBe(statuses.length);

    if (!refused) throw new Error('no refusal');
    const problem = await expectProblem(refused, 429, 'rate-limited');
    expect(problem.policy).toBe('credential');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit')).toBe(`"credential";r=0;t=${retryAfter}`);

    // The refused requests spent nothing of the tenant's quota: its owner still gets through,
    // as does another tenant on the same plan.
    await expectStatus(await victim.client.get('/v1/projects'), 200);
    const other = await bystander.client.get('/v1/projects');
    await expectStatus(other, 200);
    expect(other.headers.get('ratelimit')).toMatch(
      new RegExp(`^"credential";r=${SESSION.burst - 1};`),
    );
  });

  it("limits a tenant's members together by plan, an unknown plan as free", async () => {
    // The middleware on its own, with hour-long windows, so that no unit comes back while the
    // test runs however slow the machine: counts are exact.
    const plans = {
      free: { limit: 6, windowSeconds: 3600 },
      pro: { limit: 60, windowSeconds: 3600 },
    };
    const credentials = { session: { limit: 4, windowSeconds: 3600 } };
    const app = new Hono();
    app.onError(errorHandler({ logger: createLogger({ level: 'silent' }) }));
    app.use('/t/:plan/:tenant/:session', async (c, next) => {
      c.set('tenant', { ...TENANT, id: c.req.param('tenant'), plan: c.req.param('plan') });
      c.set('principal', { ...READER, sessionId: c.req.param('session') });
      await next();
    });
    app.use('*', apiRateLimit(fx.deps, { plans, credentials }));
    app.get('/t/:plan/:tenant/:session', (c) => c.text('ok'));
    const send = async (plan: string, tenant: string, sessions: number, each: number) => {
      const statuses: number[] = [];
      for (let s = 0; s < sessions; s++) {
        for (let i = 0; i < each; i++) {
          statuses.push((await app.request(`/t/${plan}/${tenant}/s${s}`)).status);
        }
      }
      return statuses;
    };
    // 3 sessions x 3 requests: each session stays under its 4, the tenant has 6.
    expect(await send('free', uuidv7(), 3, 3)).toEqual([
      200, 200, 200, 200, 200, 200, 429, 429, 429,
    ]);
    expect(count(await send('unheard-of', uuidv7(), 3, 3), 429)).toBe(3);
    expect(count(await send('pro', uuidv7(), 3, 3), 200)).toBe(9);
    // The refused requests spent nothing: one session past its own 4, the tenant keeps 2.
    const tenant = uuidv7();
    expect(await send('free', tenant, 1, 6)).toEqual([200, 200, 200, 200, 429, 429]);
    const last = await app.request(`/t/free/${tenant}/other`);
    expect(last.status).toBe(200);
    expect(last.headers.get('ratelimit')).toBe(`"tenant";r=1;t=${3600 - 600 * 1}`);
  });

  /** The owner's next request is the first one charged: nothing before it spent quota. */
  async function expectFirstCharge(tenant: Awaited<ReturnType<typeof tenantOnPlan>>) {
    const res = await tenant.client.get('/v1/projects');
    await expectStatus(res, 200);
    expect(res.headers.get('ratelimit')).toMatch(
      new RegExp(`^"credential";r=${SESSION.burst - 1};`),
    );
  }

  it('spends no quota on requests without a valid credential', async () => {
    const tenant = await tenantOnPlan('free');
    const forged = tenant.anonymous;
    const { statuses } = await flood(forged, FREE.burst + 20);
    expect(new Set(statuses)).toEqual(new Set([401]));
    await expectFirstCharge(tenant);
  });

  it("spends none of a session's quota on cookies that name it with a wrong secret", async () => {
    const tenant = await tenantOnPlan('free');
    // The owner's real session id with a well-formed secret that is not theirs.
    const forgedToken = `${tenant.token.slice(0, tenant.token.indexOf('.'))}.${'A'.repeat(43)}`;
    const forged = apiClient(fx.app, tenant.host, { token: forgedToken });
    const { statuses } = await flood(forged, SESSION.burst + 20);
    expect(new Set(statuses)).toEqual(new Set([401]));
    await expectFirstCharge(tenant);
  });

  describe('charged once per authenticated request', () => {
    // The real /v1 chain (tenant, authenticate, requireAuth, apiRateLimit) with
    // hour-long windows, so no unit comes back during the test and every count is exact.
    // The tenant's limit is the tighter one, so the headers count every credential together.
    // Keys of their own: the full app's requests in between (creating a client) charge the
    // shipped limits, and must not touch these counts.
    const limits = () =>
      apiLimits(
        { keyPrefix: `${fx.deps.keyPrefix}chain:`, redis: fx.deps.redis },
        {
          plans: { free: { limit: 40, windowSeconds: 3600 } },
          credentials: {
            session: { limit: 100, windowSeconds: 3600 },
            client: { limit: 100, windowSeconds: 3600 },
          },
        },
      );
    const chainApp = () => {
      const table = limits();
      const app = new OpenAPIHono();
      app.onError(errorHandler({ logger: createLogger({ level: 'silent' }) }));
      app.use(
        '*',
        resolveTenant({ resolver: fx.deps.resolver, trustedProxies: fx.deps.trustedProxies }),
        authenticate(fx.deps, { bearer: true }),
        requireAuth(),
        apiRateLimit(fx.deps, table),
      );
      app.get('/v1/ping', (c) => c.text('ok'));
      return app;
    };
    const remaining = (res: Response) =>
      Number(/;r=(\d+);/.exec(res.headers.get('ratelimit') ?? '')?.[1]);

    it('counts a session request exactly once, with its copy cached or not', async () => {
      const tenant = await tenantOnPlan('free');
      const client = apiClient(chainApp(), tenant.host, { token: tenant.token });
      const sessionCopy = sessionKey(
        fx.deps.keyPrefix,
        tenant.record.id,
        sessionIdOf(tenant.token),
      );
      const seen: number[] = [];
      for (let i = 0; i < 4; i++) {
        // Every other request finds no cached copy (here or in Redis): authenticate reads
        // Postgres; otherwise the near cache answers.
        if (i % 2 === 0) {
          await fx.deps.redis.del(sessionCopy);
          await fx.deps.identityCache.sync();
        }
        const res = await client.get('/v1/ping');
        await expectStatus(res, 200);
        seen.push(remaining(res));
      }
      expect(seen).toEqual([39, 38, 37, 36]);
    });

    it('spends nothing on a revoked session, read from its tombstone', async () => {
      const tenant = await tenantOnPlan('free');
      const owner = apiClient(chainApp(), tenant.host, { token: tenant.token });
      expect(remaining(await owner.get('/v1/ping'))).toBe(39);
      // What signing out leaves in Redis; the row stays, so deleting the tombstone brings the
      // session back (a cache miss reads Postgres) to show what the flood cost.
      const copy = sessionKey(fx.deps.keyPrefix, tenant.record.id, sessionIdOf(tenant.token));
      await fx.deps.redis.set(copy, SESSION_TOMBSTONE, 'PX', 60_000);
      await fx.deps.identityCache.sync();
      const { statuses } = await flood(owner, 15, 5);
      expect(new Set(statuses)).toEqual(new Set([401]));
      await fx.deps.redis.del(copy);
      await fx.deps.identityCache.sync();
      expect(remaining(await owner.get('/v1/ping'))).toBe(38);
    });

    it("counts a client's tokens once each, and nothing once the client is revoked", async () => {
      const tenant = await tenantOnPlan('free');
      const app = chainApp();
      const created = await createServiceClient(tenant.client, ['projects:read']);
      const machine = bearerClient(
        app,
        tenant.host,
        await accessToken(fx.app, tenant.host, created),
      );
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) seen.push(remaining(await machine.get('/v1/ping')));
      expect(seen).toEqual([39, 38, 37]);
      await expectStatus(
        await tenant.client.delete(`/v1/service-clients/${created.clientId}`),
        204,
      );
      const { statuses } = await flood(machine, 15, 5);
      expect(new Set(statuses)).toEqual(new Set([401]));
      const owner = apiClient(app, tenant.host, { token: tenant.token });
      expect(remaining(await owner.get('/v1/ping'))).toBe(36);
    });
  });
});
