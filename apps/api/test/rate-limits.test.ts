import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CREDENTIAL_LIMITS, API_PLAN_LIMITS } from '../src/middleware/api-rate-limit.ts';
import {
  type ApiClient,
  type ApiFixture,
  createApiFixture,
  expectProblem,
  expectStatus,
  type TestTenant,
} from './helpers.ts';

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

    const { statuses, refused } = await flood(attacker, SESSION.burst + 40);
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

  it("limits a tenant's members together by plan: free runs out, pro does not", async () => {
    const free = await tenantOnPlan('free');
    const pro = await tenantOnPlan('pro');
    const run = async (tenant: TestTenant) => {
      // Enough sessions that none reaches its own limit, together past the free burst.
      const members: ApiClient[] = [];
      for (let i = 0; i < 3; i++) members.push(await tenant.member(['viewer']));
      const all = await Promise.all(members.map((m) => flood(m, SESSION.burst - 10, 5)));
      return {
        statuses: all.flatMap((f) => f.statuses),
        refused: all.find((f) => f.refused)?.refused,
      };
    };
    const onFree = await run(free);
    expect(count(onFree.statuses, 429)).toBeGreaterThan(0);
    if (!onFree.refused) throw new Error('no refusal');
    expect((await expectProblem(onFree.refused, 429, 'rate-limited')).policy).toBe('tenant');
    expect(onFree.refused.headers.get('ratelimit-policy')).toBe(
      `"tenant";q=${FREE.limit};w=60;tk-burst=${FREE.burst}`,
    );

    const onPro = await run(pro);
    expect(count(onPro.statuses, 200)).toBe(onPro.statuses.length);
  });

  it('spends no quota on requests without a valid credential', async () => {
    const tenant = await tenantOnPlan('free');
    const forged = tenant.anonymous;
    const { statuses } = await flood(forged, FREE.burst + 20);
    expect(new Set(statuses)).toEqual(new Set([401]));
    const res = await tenant.client.get('/v1/projects');
    await expectStatus(res, 200);
    expect(res.headers.get('ratelimit')).toMatch(
      new RegExp(`^"credential";r=${SESSION.burst - 1};`),
    );
  });
});
