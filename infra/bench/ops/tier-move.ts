import { schema, type TenantRecord, uuidv7, withTenant } from '@tenantkit/db';
import {
  findTenant,
  type LifecycleDeps,
  moveTenantTier,
  onboardTenant,
  type TierMoveReport,
} from '@tenantkit/lifecycle';
import type { ScratchDatabase } from '../lib/scratch-db.ts';
import { type LatencySummary, summarizeLatencies } from '../lib/stats.ts';

export interface TierMoveResult {
  direction: string;
  rows: number;
  seconds: number;
  report: TierMoveReport;
  /** Write latency of the moving tenant's own writers during the move. */
  tenantWrites: LatencySummary & { count: number; refused: number };
  /** Write latency of a tenant that shares the mover's pooled hash bucket. */
  neighbourWrites: LatencySummary & { count: number };
  lost: number;
}

const onboard = (deps: LifecycleDeps, slug: string) =>
  onboardTenant({
    deps,
    actor: { type: 'system', id: 'bench' },
    input: { tenantId: crypto.randomUUID(), slug, name: slug, tier: 'pooled' },
  }).then((r) => r.tenant);

/**
 * A pooled tenant with `rows` tasks, a neighbour in the same hash bucket, and writers on both
 * that keep inserting (and updating) while the tenant moves to dedicated and back. The writers
 * re-read the tier before each write, as an api instance does after the change announcement.
 */
export async function benchTierMove({
  db,
  deps,
  rows,
  writers,
}: {
  db: ScratchDatabase;
  deps: LifecycleDeps;
  rows: number;
  writers: number;
}): Promise<TierMoveResult[]> {
  const mover = await onboard(deps, 'bench-mover');
  const bucketOf = async (id: string) => {
    const [row] = await db.admin.sql<{ b: number }[]>`
      select b from generate_series(0, 15) b
      where satisfies_hash_partition('tasks_pooled'::regclass, 16, b, ${id}::uuid)`;
    return row?.b;
  };
  const bucket = await bucketOf(mover.id);
  let neighbour: TenantRecord | undefined;
  for (let i = 0; !neighbour && i < 200; i++) {
    const candidate = await onboard(deps, `bench-neighbour-${i}`);
    if ((await bucketOf(candidate.id)) === bucket) neighbour = candidate;
  }
  if (!neighbour) throw new Error('no neighbour in the same hash bucket');
  const projectOf = async (tenant: TenantRecord) => {
    const id = uuidv7();
    await withTenant(db.app, tenant.id, (tx) =>
      tx.insert(schema.projects).values({ tenantId: tenant.id, id, name: 'bench' }),
    );
    return id;
  };
  const moverProject = await projectOf(mover);
  const neighbourProject = await projectOf(neighbour);
  await db.admin.sql.begin(async (tx) => {
    await tx`set local role tenantkit_owner`;
    await tx`
      insert into tasks_pooled (tenant_id, id, project_id, title)
      select ${mover.id}, gen_random_uuid(), ${moverProject}, 'task ' || g
      from generate_series(1, ${rows}) g`;
  });
  await db.admin.sql`analyze tasks_pooled`;

  const results: TierMoveResult[] = [];
  for (const to of ['dedicated', 'pooled'] as const) {
    const before = await countTasks(db, mover.id);
    const load = startLoad(db, mover, moverProject, neighbour, neighbourProject, writers);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const startedAt = performance.now();
    const report = await moveTenantTier({
      deps,
      ref: mover.id,
      to,
      options: { batchSize: 5_000, lockTimeoutMs: 500, settleMs: 1_000 },
    });
    const seconds = (performance.now() - startedAt) / 1000;
    await load.stop();
    const after = await countTasks(db, mover.id);
    results.push({
      direction: `${to === 'dedicated' ? 'pooled' : 'dedicated'} -> ${to}`,
      rows: before,
      seconds,
      report,
      tenantWrites: {
        ...summarizeLatencies(load.state.mover),
        count: load.state.inserted,
        refused: load.state.refused,
      },
      neighbourWrites: {
        ...summarizeLatencies(load.state.neighbour),
        count: load.state.neighbour.length,
      },
      lost: before + load.state.inserted - after,
    });
  }
  return results;
}

async function countTasks(db: ScratchDatabase, tenantId: string): Promise<number> {
  const [row] = await db.admin.sql<{ n: number }[]>`
    select (select count(*) from tasks_pooled where tenant_id = ${tenantId})
      + (select count(*) from tasks_dedicated where tenant_id = ${tenantId}) as n`;
  return Number(row?.n ?? 0);
}

function startLoad(
  db: ScratchDatabase,
  mover: TenantRecord,
  moverProject: string,
  neighbour: TenantRecord,
  neighbourProject: string,
  writers: number,
) {
  let stop = false;
  const state = { mover: [] as number[], neighbour: [] as number[], inserted: 0, refused: 0 };
  const write = async (tenant: TenantRecord, projectId: string) => {
    const current = await findTenant(db.admin, tenant.id);
    const tasks = schema.tasksRelationFor(current);
    const startedAt = performance.now();
    await withTenant(db.app, tenant.id, (tx) =>
      tx.insert(tasks).values({ tenantId: tenant.id, id: uuidv7(), projectId, title: 'live' }),
    );
    return performance.now() - startedAt;
  };
  const loops = [
    ...Array.from({ length: writers }, async () => {
      while (!stop) {
        try {
          state.mover.push(await write(mover, moverProject));
          state.inserted++;
        } catch {
          state.refused++;
        }
      }
    }),
    (async () => {
      while (!stop) state.neighbour.push(await write(neighbour, neighbourProject));
    })(),
  ];
  return {
    state,
    async stop() {
      stop = true;
      await Promise.all(loops);
    },
  };
}
