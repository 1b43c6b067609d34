import { randomUUID } from 'node:crypto';
import { schema, type TenantRecord, uuidv7, withTenant } from '@tenantkit/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTenant, moveTenantTier, onboardTenant } from '../src/index.ts';
import { createLifecycleFixture, type LifecycleFixture } from './support.ts';

let fx: LifecycleFixture;
let tenant: TenantRecord;
let other: TenantRecord;
let projectId: string;
const INITIAL = 3_000;
const actor = { type: 'system', id: 'test' } as const;

beforeAll(async () => {
  fx = await createLifecycleFixture();
  const onboard = async (slug: string) =>
    (
      await onboardTenant({
        deps: fx.deps,
        actor,
        input: { tenantId: randomUUID(), slug, name: slug, tier: 'pooled' },
      })
    ).tenant;
  tenant = await onboard('mover');
  other = await onboard('bystander');
  projectId = uuidv7();
  await withTenant(fx.db.app, tenant.id, async (tx) => {
    await tx.insert(schema.projects).values({ tenantId: tenant.id, id: projectId, name: 'p' });
    const rows = Array.from({ length: INITIAL }, (_, i) => ({
      tenantId: tenant.id,
      id: uuidv7(),
      projectId,
      title: `task ${i}`,
    }));
    for (let i = 0; i < rows.length; i += 1_000) {
      await tx.insert(schema.tasksPooled).values(rows.slice(i, i + 1_000));
    }
  });
}, 60_000);
afterAll(async () => {
  await fx?.close();
});

/**
 * A client of the api: reads the tenant's tier as an instance would after hearing of a change,
 * and writes through the relation that tier routes to. Only acknowledged writes are recorded.
 */
function startWriters(n: number) {
  const inserted: string[] = [];
  const updated: string[] = [];
  let stop = false;
  const loops = Array.from({ length: n }, async (_, w) => {
    let i = 0;
    while (!stop) {
      const current = await findTenant(fx.db.admin, tenant.id);
      const tasks = schema.tasksRelationFor(current);
      const id = uuidv7();
      try {
        await withTenant(fx.db.app, tenant.id, async (tx) => {
          await tx
            .insert(tasks)
            .values({ tenantId: tenant.id, id, projectId, title: `w${w}-${i++}` });
          const previous = inserted[Math.floor(Math.random() * inserted.length)];
          if (previous) {
            const changed = await tx
              .update(tasks)
              .set({ done: true, version: sql`${tasks.version} + 1` })
              .where(sql`${tasks.tenantId} = ${tenant.id} and ${tasks.id} = ${previous}`)
              .returning({ id: tasks.id });
            if (changed[0]) updated.push(previous);
          }
        });
        inserted.push(id);
      } catch {
        // A write refused mid-switch (its relation was locked, emptied or dropped) is not
        // acknowledged, so nothing was promised; the client would retry.
      }
    }
  });
  return {
    inserted,
    updated,
    async stop() {
      stop = true;
      await Promise.all(loops);
    },
  };
}

async function tenantTasks(tier: TenantRecord['tier']) {
  return withTenant(fx.db.app, tenant.id, (tx) => {
    const tasks = schema.tasksRelationFor({ id: tenant.id, tier });
    return tx
      .select({ id: tasks.id, done: tasks.done })
      .from(tasks)
      .where(eq(tasks.tenantId, tenant.id));
  });
}

describe('moving a tenant between tiers online', () => {
  it('to dedicated under concurrent writes loses no row and no update', async () => {
    const writers = startWriters(3);
    await new Promise((r) => setTimeout(r, 300));
    const progress: string[] = [];
    const report = await moveTenantTier({
      deps: fx.deps,
      ref: tenant.slug,
      to: 'dedicated',
      options: { batchSize: 500, lockTimeoutMs: 200, settleMs: 300 },
      onProgress: async (p) => {
        progress.push(p.phase);
      },
    });
    await writers.stop();
    expect(report.moved).toBe(true);
    expect(report.batches).toBeGreaterThanOrEqual(INITIAL / 500);
    expect(report.longestLockWaitMs).toBeGreaterThanOrEqual(0);
    expect(progress).toEqual(
      expect.arrayContaining(['partitions', 'copy', 'switch', 'cleanup', 'done']),
    );
    expect(writers.inserted.length).toBeGreaterThan(0);

    expect((await findTenant(fx.db.admin, tenant.id)).tier).toBe('dedicated');
    const rows = await tenantTasks('dedicated');
    const ids = new Set(rows.map((r) => r.id));
    expect(rows.length).toBe(INITIAL + writers.inserted.length);
    for (const id of writers.inserted) expect(ids.has(id)).toBe(true);
    const done = new Set(rows.filter((r) => r.done).map((r) => r.id));
    for (const id of writers.updated) expect(done.has(id)).toBe(true);
    const [left] = await fx.db.admin.sql<{ n: number }[]>`
      select count(*)::int as n from tasks_pooled where tenant_id = ${tenant.id}`;
    expect(left?.n).toBe(0);
  }, 120_000);

  it("leaves the moved tenant's rows readable by it alone", async () => {
    const leaf = schema.tasksRelationFor({ id: tenant.id, tier: 'dedicated' });
    const seenByOther = await withTenant(fx.db.app, other.id, (tx) =>
      tx.select({ id: leaf.id }).from(leaf),
    );
    expect(seenByOther).toEqual([]);
    const throughParent = await withTenant(fx.db.app, other.id, (tx) =>
      tx.select({ id: schema.tasksDedicated.id }).from(schema.tasksDedicated),
    );
    expect(throughParent).toEqual([]);
    // Without a tenant context the runtime role sees nothing either.
    const [anonymous] = await fx.db.app.sql.unsafe(
      `select count(*)::int as n from "${schema.dedicatedLeafName(tenant.id)}"`,
    );
    expect(anonymous?.n).toBe(0);
  });

  it('back to pooled under concurrent writes loses no row, and drops the old leaves', async () => {
    const before = (await tenantTasks('dedicated')).length;
    const writers = startWriters(2);
    await new Promise((r) => setTimeout(r, 200));
    const report = await moveTenantTier({
      deps: fx.deps,
      ref: tenant.id,
      to: 'pooled',
      options: { batchSize: 700, lockTimeoutMs: 200, settleMs: 300 },
    });
    await writers.stop();
    expect(report.moved).toBe(true);
    const rows = await tenantTasks('pooled');
    expect(rows.length).toBe(before + writers.inserted.length);
    const ids = new Set(rows.map((r) => r.id));
    for (const id of writers.inserted) expect(ids.has(id)).toBe(true);
    const leaves = await fx.db.admin.sql`
      select relname from pg_class where relname like ${`%\\_t\\_${tenant.id.replaceAll('-', '')}`}`;
    expect(leaves).toEqual([]);
    const seenByOther = await withTenant(fx.db.app, other.id, (tx) =>
      tx.select({ id: schema.tasksPooled.id }).from(schema.tasksPooled),
    );
    expect(seenByOther).toEqual([]);
  }, 120_000);

  it('is a no-op when the tenant is already on the target tier', async () => {
    const report = await moveTenantTier({ deps: fx.deps, ref: tenant.id, to: 'pooled' });
    expect(report).toMatchObject({ moved: false, batches: 0, sweptLateRows: 0 });
  });
});
