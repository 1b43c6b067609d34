import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiFixture,
  createApiFixture,
  expectProblem,
  json,
  type TestTenant,
} from './helpers.ts';

interface EventJson {
  seq: number;
  action: string;
  actorType: string;
  data: Record<string, unknown>;
  hash: string;
  prevHash: string;
}
interface EventPage {
  items: EventJson[];
  nextCursor: string | null;
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
  // Failed sign-ins are audited with their reason; a few of them give the log some pages.
  for (let i = 0; i < 5; i++) {
    await acme.anonymous.post('/auth/login', {
      email: `nobody${i}@acme.test`,
      password: 'whatever it is',
    });
  }
  await globex.anonymous.post('/auth/login', {
    email: 'someone@globex.test',
    password: 'whatever it is',
  });
});

afterAll(async () => {
  await fx?.close();
});

describe('GET /v1/audit-events', () => {
  it('pages through the tenant’s chain newest first, each event linked to the one before', async () => {
    const seen: EventJson[] = [];
    let cursor: string | null = null;
    do {
      const page: EventPage = await json<EventPage>(
        await acme.client.get(`/v1/audit-events?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
        200,
      );
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const seqs = seen.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(new Set(seqs).size).toBe(seqs.length);
    for (let i = 0; i < seen.length - 1; i++) expect(seen[i]?.prevHash).toBe(seen[i + 1]?.hash);
    expect(seen.filter((e) => e.action === 'auth.login.failed')).toHaveLength(5);
    expect(seen.some((e) => e.action === 'member.created')).toBe(true);
  });

  it('filters by action and never shows another tenant’s events', async () => {
    const page = await json<EventPage>(
      await acme.client.get('/v1/audit-events?action=auth.login.failed'),
      200,
    );
    expect(page.items).toHaveLength(5);
    expect(page.items.every((e) => e.data.reason === 'unknown_account')).toBe(true);
    expect(JSON.stringify(page)).not.toContain('globex.test');
  });

  it('answers bad queries with 400/422 problems', async () => {
    await expectProblem(
      await acme.client.get('/v1/audit-events?cursor=garbage'),
      400,
      'invalid-cursor',
    );
    await expectProblem(
      await acme.client.get('/v1/audit-events?from=yesterday'),
      422,
      'validation-failed',
    );
    await expectProblem(
      await acme.client.get('/v1/audit-events?limit=0'),
      422,
      'validation-failed',
    );
  });
});
