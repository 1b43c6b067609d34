import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTenants, planTenants, readDeclaredTenants } from '../src/index.ts';
import { createLifecycleFixture, type LifecycleFixture } from './support.ts';

let fx: LifecycleFixture;
let dir: string;

beforeAll(async () => {
  fx = await createLifecycleFixture();
  dir = await mkdtemp(join(tmpdir(), 'tk-manifests-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await fx?.close();
});

const goodYaml = `
slug: hooli
name: Hooli
tier: dedicated
plan: pro
members:
  - email: gavin@hooli.test
    roles: [owner]
    password: tethics-is-a-thing
demo:
  projects:
    - name: Nucleus
      tasks: [Compress, Decompress]
`;
const goodJson = { slug: 'piper', name: 'Pied Piper', tier: 'pooled', plan: 'free' };

async function snapshot() {
  return fx.db.admin.sql`
    select t.slug, t.name, t.tier, t.plan, t.status, t.updated_at::text,
      (select count(*)::int from users u where u.tenant_id = t.id) as users,
      (select count(*)::int from projects p where p.tenant_id = t.id) as projects,
      (select coalesce(max(last_seq), 0)::int from audit_chain_heads h where h.tenant_id = t.id) as audit
    from tenants t order by t.slug`;
}

describe('ops apply tenants/', () => {
  it('refuses a folder with a bad manifest, naming the file and the field, and applies nothing', async () => {
    const bad = join(dir, 'bad');
    await rm(bad, { recursive: true, force: true });
    await (await import('node:fs/promises')).mkdir(bad);
    await writeFile(join(bad, 'a-good.yaml'), goodYaml);
    await writeFile(
      join(bad, 'b-bad.yaml'),
      'slug: Bad Slug\nname: x\ntier: dedicated\nmembers:\n  - email: not-an-email\n    roles: [owner]\n',
    );
    await writeFile(
      join(bad, 'c-typo.json'),
      JSON.stringify({ ...goodJson, slug: 'typo', tiers: 'pooled' }),
    );
    const error = await readDeclaredTenants(bad).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(`${join(bad, 'b-bad.yaml')}: slug:`);
    expect(message).toContain(`${join(bad, 'b-bad.yaml')}: members.0.email:`);
    expect(message).toContain(`${join(bad, 'c-typo.json')}: `);
    expect(message).toMatch(/tiers/);
    expect(await snapshot()).toEqual([]);
  });

  it('refuses two manifests declaring the same slug', async () => {
    const dup = join(dir, 'dup');
    await (await import('node:fs/promises')).mkdir(dup);
    await writeFile(join(dup, 'one.json'), JSON.stringify(goodJson));
    await writeFile(join(dup, 'two.json'), JSON.stringify(goodJson));
    await expect(readDeclaredTenants(dup)).rejects.toThrow(
      /two\.json: slug: "piper" is also declared in .*one\.json/,
    );
  });

  it('creates what is declared, then a second apply changes nothing', async () => {
    const good = join(dir, 'good');
    await (await import('node:fs/promises')).mkdir(good);
    await writeFile(join(good, 'hooli.yaml'), goodYaml);
    await writeFile(join(good, 'piper.json'), JSON.stringify(goodJson));
    const declared = await readDeclaredTenants(good);
    const dry = await planTenants(fx.deps, declared);
    expect(dry.map((d) => d.action)).toEqual(['create', 'create']);
    expect(await snapshot()).toEqual([]);

    const first = await applyTenants(fx.deps, declared);
    expect(first.map((d) => d.action)).toEqual(['create', 'create']);
    const afterFirst = await snapshot();
    expect(afterFirst).toMatchObject([
      { slug: 'hooli', tier: 'dedicated', plan: 'pro', users: 1, projects: 1 },
      { slug: 'piper', tier: 'pooled', plan: 'free', users: 0, projects: 0 },
    ]);

    const second = await applyTenants(fx.deps, await readDeclaredTenants(good));
    expect(second.map((d) => [d.action, d.changes])).toEqual([
      ['unchanged', []],
      ['unchanged', []],
    ]);
    expect(await snapshot()).toEqual(afterFirst);
  });

  it('reconciles a changed manifest: plan, status, a new member, and the tier (moved online)', async () => {
    const changed = join(dir, 'changed');
    await (await import('node:fs/promises')).mkdir(changed);
    await writeFile(
      join(changed, 'piper.json'),
      JSON.stringify({
        ...goodJson,
        plan: 'enterprise',
        tier: 'dedicated',
        status: 'suspended',
        members: [{ email: 'richard@piper.test', roles: ['owner'] }],
      }),
    );
    const declared = await readDeclaredTenants(changed);
    const [plan] = await planTenants(fx.deps, declared);
    expect(plan?.changes).toEqual([
      'plan: free -> enterprise',
      'status: active -> suspended',
      'tier: pooled -> dedicated (online move)',
      'member richard@piper.test: create (owner)',
    ]);
    await applyTenants(fx.deps, declared, { tierMove: { settleMs: 0 } });
    expect((await snapshot()).find((t) => t.slug === 'piper')).toMatchObject({
      plan: 'enterprise',
      tier: 'dedicated',
      status: 'suspended',
      users: 1,
    });
    const [again] = await planTenants(fx.deps, declared);
    expect(again?.action).toBe('unchanged');
  }, 60_000);
});
