import { ConflictError, type TenantRecord } from '@tenantkit/db';
import type postgres from 'postgres';
import type { LifecycleActor, LifecycleDeps } from '../deps.ts';
import { asOwner, retryOnLockTimeout } from '../owner-tx.ts';
import { announceTenantChange, findTenant } from '../tenants.ts';
import { copyBatch, ident, sweepBatch, syncDelta } from './copy.ts';
import {
  type PartitionedTable,
  partitionedTables,
  pooledBucketOf,
  relationOf,
} from './relations.ts';

export interface TierMoveOptions {
  batchSize?: number;
  /** `lock_timeout` of every statement of the move; a timeout is retried, with backoff. */
  lockTimeoutMs?: number;
  lockRetries?: number;
  /**
   * Wait between the switch and the final sweep: api instances that had not yet heard of the
   * switch may still write to the old relation. Longer than the longest request in production.
   */
  settleMs?: number;
}

export type TierMovePhase = 'partitions' | 'copy' | 'switch' | 'settle' | 'cleanup' | 'done';
export interface TierMoveProgress {
  phase: TierMovePhase;
  table?: string;
  copied: number;
}

export interface TierMoveReport {
  tenantId: string;
  from: TenantTier;
  to: TenantTier;
  /** False when the tenant was already on the target tier (only leftovers were cleaned). */
  moved: boolean;
  rowsCopied: Record<string, number>;
  batches: number;
  lockTimeoutsRetried: number;
  /** Longest single wait of the move for a lock it needed (measured around LOCK statements). */
  longestLockWaitMs: number;
  /** How long the switch kept the tenant's writes (and its pooled bucket's) paused. */
  writesPausedMs: number;
  sweptLateRows: number;
}

/**
 * Moves a tenant between the pooled and dedicated tiers while it keeps serving (docs/adr/0001):
 *
 * 1. to dedicated: create its leaves (the onboarding DDL, SHARE UPDATE EXCLUSIVE on parents);
 * 2. copy its rows in key order, batch by batch, each batch a short transaction: the source
 *    stays authoritative and readable, the tenant keeps writing;
 * 3. catch up once without locks, then switch in one short transaction: pause the tenant's
 *    writes to the source (SHARE lock on its leaf, or on the one hash bucket that holds it),
 *    copy what changed since (inserted, updated by version, deleted), flip `tenants.tier`;
 *    then announce the change;
 * 4. after `settleMs`, empty the old relation in batches, carrying over what late writers put
 *    there, and drop the old leaves (dedicated -> pooled).
 *
 * Every statement runs with a bounded `lock_timeout` and is retried with backoff on timeout,
 * so the move waits behind other work rather than queueing other work behind itself. Every
 * step can be repeated: a move interrupted anywhere and started again finishes the job.
 */
export async function moveTenantTier({
  deps,
  ref,
  to,
  options = {},
  onProgress = async () => {},
}: {
  deps: LifecycleDeps;
  ref: string;
  to: TenantTier;
  actor?: LifecycleActor;
  options?: TierMoveOptions;
  onProgress?: (progress: TierMoveProgress) => Promise<void>;
}): Promise<TierMoveReport> {
  const { batchSize = 5_000, lockTimeoutMs = 500, lockRetries = 10, settleMs = 2_000 } = options;
  const tenant = await findTenant(deps.admin, ref);
  if (tenant.status === 'deleting') {
    throw new ConflictError('tenant-deleting', `tenant ${tenant.slug} is being deleted`);
  }
  const from: TenantTier = to === 'dedicated' ? 'pooled' : 'dedicated';
  const report: TierMoveReport = {
    tenantId: tenant.id,
    from,
    to,
    moved: tenant.tier !== to,
    rowsCopied: {},
    batches: 0,
    lockTimeoutsRetried: 0,
    longestLockWaitMs: 0,
    writesPausedMs: 0,
    sweptLateRows: 0,
  };
  const owner = <T>(fn: (tx: postgres.TransactionSql) => Promise<T>) =>
    retryOnLockTimeout(() => asOwner(deps.admin, fn, { lockTimeoutMs }), {
      retries: lockRetries,
      onRetry: () => report.lockTimeoutsRetried++,
    });
  const timedLock = async (tx: postgres.TransactionSql, relation: string, mode: string) => {
    const started = performance.now();
    await tx.unsafe(`lock table ${ident(relation)} in ${mode} mode`);
    report.longestLockWaitMs = Math.max(report.longestLockWaitMs, performance.now() - started);
  };
  const tables = await asOwner(deps.admin, (tx) => partitionedTables(tx));

  if (report.moved) {
    if (to === 'dedicated') {
      await onProgress({ phase: 'partitions', copied: 0 });
      await owner((tx) => tx`select tenantkit_create_dedicated_leaves(${tenant.id})`);
    }
    for (const table of tables) {
      report.rowsCopied[table.base] = await copyTable(table);
    }
    // Catch up without any lock, so the switch below has only the last moment's changes left.
    await owner(async (tx) => {
      for (const table of tables) {
        const delta = await syncDelta(
          tx,
          table,
          relationOf(table.base, tenant.id, from),
          relationOf(table.base, tenant.id, to),
          tenant.id,
        );
        report.rowsCopied[table.base] = (report.rowsCopied[table.base] ?? 0) + delta.inserted;
      }
    });
    await onProgress({ phase: 'switch', copied: total() });
    await owner(async (tx) => {
      const [current] = await tx<TenantRecord[]>`
        select id, tier, status from tenants where id = ${tenant.id} for update`;
      if (current?.tier !== from) return; // an earlier attempt switched already
      const paused = performance.now();
      for (const table of tables) {
        const source = relationOf(table.base, tenant.id, from);
        const lockable =
          from === 'pooled' ? await pooledBucketOf(tx, table.base, tenant.id) : source;
        await timedLock(tx, lockable, 'share');
      }
      for (const table of tables) {
        const source = relationOf(table.base, tenant.id, from);
        const target = relationOf(table.base, tenant.id, to);
        const delta = await syncDelta(tx, table, source, target, tenant.id);
        report.rowsCopied[table.base] = (report.rowsCopied[table.base] ?? 0) + delta.inserted;
      }
      await tx`update tenants set tier = ${to}, updated_at = now() where id = ${tenant.id}`;
      report.writesPausedMs = performance.now() - paused;
    });
    await announceTenantChange(deps, tenant);
    await onProgress({ phase: 'settle', copied: total() });
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  }

  // The old relation is emptied only now, after instances have heard of the switch: a late
  // writer's insert or update (higher version) made there meanwhile is carried over. (A late
  // delete there is the one change that can be undone by the move; settleMs bounds the window.)
  await onProgress({ phase: 'cleanup', copied: total() });
  for (const table of tables) {
    const source = relationOf(table.base, tenant.id, from);
    const target = relationOf(table.base, tenant.id, to);
    if (from === 'dedicated') {
      // The old leaf is the tenant's alone: lock it, carry what is left, drop it.
      await owner(async (tx) => {
        const [present] = await tx`select to_regclass(${source}) is not null as present`;
        if (!present?.present) return;
        await timedLock(tx, source, 'access exclusive');
        report.sweptLateRows += (
          await sweepBatch(tx, table, source, target, tenant.id, null)
        ).carried;
        await tx.unsafe(`drop table ${ident(source)}`);
      });
      continue;
    }
    // The pooled bucket is shared: empty the tenant's part of it in short batches.
    for (;;) {
      const batch = await owner((tx) =>
        sweepBatch(tx, table, source, target, tenant.id, batchSize),
      );
      report.sweptLateRows += batch.carried;
      if (batch.removed < batchSize) break;
    }
  }
  await onProgress({ phase: 'done', copied: total() });
  return report;

  function total(): number {
    return Object.values(report.rowsCopied).reduce((a, b) => a + b, 0);
  }

  async function copyTable(table: PartitionedTable): Promise<number> {
    const source = relationOf(table.base, tenant.id, from);
    const target = relationOf(table.base, tenant.id, to);
    let after: string | null = null;
    let copied = 0;
    for (;;) {
      const batch = await owner((tx) =>
        copyBatch(tx, table, source, target, tenant.id, after, batchSize),
      );
      report.batches++;
      copied += batch.inserted;
      await onProgress({ phase: 'copy', table: table.base, copied: total() + copied });
      if (batch.last === null || batch.read < batchSize) return copied;
      after = batch.last;
    }
  }
}

type TenantTier = import('@tenantkit/db').TenantRecord['tier'];
