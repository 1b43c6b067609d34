import { randomUUID } from 'node:crypto';
import { uuidv7 } from '@tenantkit/db';
import { signInReaders } from '../lib/credentials.ts';
import { insertProjectsAndTasks, tasksRelation } from '../lib/fixtures.ts';
import type { ScratchDatabase } from '../lib/scratch-db.ts';

export interface BenchTenant {
  id: string;
  slug: string;
  host: string;
  tier: 'pooled' | 'dedicated';
  projectIds: string[];
  /** The session of a signed-in read-only member: /v1 answers 401 without one. */
  headers: Record<string, string>;
}

export interface GrowOptions {
  /** Percentage of tenants that are dedicated; exact at every prefix of the tenant list. */
  dedicatedPct: number;
  projectsPerTenant: number;
  tasksPerProject: number;
  platformDomain: string;
  /**
   * Tenants per transaction. Each new leaf (one per tenant-partitioned table) holds a handful
   * of locks until commit, and the shared lock table holds only max_locks_per_transaction (64
   * by default) x max_connections in all, shared with everyone else on the server.
   */
  batchSize?: number;
}

/** Tenant `index` is dedicated when it carries the running share over the next whole tenant. */
export const isDedicated = (index: number, pct: number): boolean =>
  Math.floor(((index + 1) * pct) / 100) > Math.floor((index * pct) / 100);

/**
 * Adds tenants `from`..`to - 1` the way createTenant would leave them (row, platform hostname,
 * dedicated leaves through tenantkit_create_dedicated_leaves), in set-based batches rather than one
 * createTenant() each, then their projects and tasks. Returns the new tenants.
 */
export async function growTenants(
  db: ScratchDatabase,
  from: number,
  to: number,
  {
    dedicatedPct,
    projectsPerTenant,
    tasksPerProject,
    platformDomain,
    batchSize = 100,
  }: GrowOptions,
): Promise<BenchTenant[]> {
  const created: BenchTenant[] = [];
  for (let start = from; start < to; start += batchSize) {
    const batch: BenchTenant[] = [];
    for (let index = start; index < Math.min(to, start + batchSize); index++) {
      const slug = `bench-${String(index).padStart(6, '0')}`;
      batch.push({
        id: randomUUID(),
        slug,
        host: `${slug}.${platformDomain}`,
        tier: isDedicated(index, dedicatedPct) ? 'dedicated' : 'pooled',
        projectIds: Array.from({ length: projectsPerTenant }, () => uuidv7()),
        headers: {},
      });
    }
    const dedicatedIds = batch.filter((t) => t.tier === 'dedicated').map((t) => t.id);
    await db.admin.sql.begin(async (tx) => {
      // Onboarding runs as the owner role (createTenant does the same), so leaves are its own.
      await tx`set local role tenantkit_owner`;
      const rows = batch.map((t) => ({
        id: t.id,
        slug: t.slug,
        name: `Bench ${t.slug}`,
        tier: t.tier,
        hostname: t.host,
      }));
      await tx`
        insert into tenants (id, slug, name, tier)
        select id, slug, name, tier
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, slug text, name text, tier text)`;
      await tx`
        insert into tenant_domains (tenant_id, hostname, kind, status)
        select id, hostname, 'platform', 'active'
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, hostname text)`;
      if (dedicatedIds.length > 0) {
        // As createTenant does: a leaf of every tenant-partitioned table (tasks, audit log...).
        await tx`
          select tenantkit_create_dedicated_leaves(e.id::uuid)
          from jsonb_array_elements_text(${JSON.stringify(dedicatedIds)}::jsonb) as e(id)`;
      }
      await insertProjectsAndTasks(tx, batch, tasksPerProject);
    });
    const sessions = await signInReaders(
      db.app,
      batch.map((t) => ({ ...t, name: `Bench ${t.slug}` })),
    );
    batch.forEach((t, i) => {
      t.headers = sessions[i] ?? {};
    });
    created.push(...batch);
  }
  await analyze(db, created);
  return created;
}

/**
 * Statistics for what was just loaded, leaf by leaf (ANALYZE of tasks_dedicated itself would
 * lock every leaf in one transaction), then a checkpoint, so that neither autovacuum's analyze
 * of thousands of fresh leaves nor a checkpoint of the load lands in the measured window.
 */
async function analyze(db: ScratchDatabase, tenants: BenchTenant[]): Promise<void> {
  const { sql } = db.admin;
  await sql`analyze tenants, tenant_domains, projects, tasks_pooled`;
  const leaves = tenants.filter((t) => t.tier === 'dedicated').map(tasksRelation);
  for (let i = 0; i < leaves.length; i += 100) {
    await Promise.all(leaves.slice(i, i + 100).map((leaf) => sql`analyze ${sql(leaf)}`));
  }
  await sql`checkpoint`;
}
