import { ConflictError, isUuid, NotFoundError, schema } from '@tenantkit/db';
import type postgres from 'postgres';
import type { LifecycleDeps } from '../deps.ts';
import { asOwner, retryOnLockTimeout } from '../owner-tx.ts';
import { announceTenantChange, platformHostname } from '../tenants.ts';
import { ident } from '../tier-move/copy.ts';

export interface PurgeReport {
  tenantId: string;
  slug: string;
  /** Rows removed per table (parents of partitioned tables count their leaves' rows). */
  rows: Record<string, number>;
  /** Dedicated leaves dropped. */
  partitions: string[];
}

/** Emptied by the tenant row's cascade at the very end: it steers a purge that is re-run. */
const KEPT = ['tenant_deletions'];

/**
 * Second half of deleting a tenant, after its grace period: removes every row of every table
 * that has a `tenant_id` (found in the catalog, so tables added by later migrations are
 * covered without touching this code), drops its dedicated leaves, then the tenant row itself,
 * and records what it removed in `tenant_purges`. Repeatable: a purge killed half-way is run
 * again and finishes; a purge of a tenant already purged returns the recorded report.
 */
export async function purgeTenant(
  deps: LifecycleDeps,
  tenantId: string,
  { ignoreGracePeriod = false, lockTimeoutMs = 2_000 } = {},
): Promise<PurgeReport> {
  if (!isUuid(tenantId)) throw new NotFoundError(`tenant ${tenantId}`);
  const done = await asOwner(
    deps.admin,
    (tx) => tx<{ slug: string; removed: PurgeReport }[]>`
      select slug, removed from tenant_purges where purged_tenant_id = ${tenantId}
        and not exists (select 1 from tenants where id = ${tenantId})`,
  );
  if (done[0]) return done[0].removed;

  const owner = <T>(fn: (tx: postgres.TransactionSql) => Promise<T>) =>
    retryOnLockTimeout(() => asOwner(deps.admin, fn, { lockTimeoutMs }));

  await owner(async (tx) => {
    const [deletion] = await tx<{ slug: string; due: boolean }[]>`
      select t.slug, d.purge_after <= now() as due
      from tenants t join tenant_deletions d on d.tenant_id = t.id
      where t.id = ${tenantId} for update of t`;
    if (!deletion) {
      throw new ConflictError('not-deleting', `tenant ${tenantId} has no pending deletion`);
    }
    if (!deletion.due && !ignoreGracePeriod) {
      throw new ConflictError(
        'grace-period',
        `tenant ${deletion.slug} is still in its grace period`,
      );
    }
    const removed: Record<string, number> = {};
    for (const table of await tablesInDeleteOrder(tx)) {
      const result = await tx.unsafe(`delete from ${ident(table)} where tenant_id = $1`, [
        tenantId,
      ]);
      if (result.count > 0) removed[table] = result.count;
    }
    // Kept with the report so far: a purge interrupted after this commit still reports these.
    await tx`
      insert into tenant_purges (purged_tenant_id, slug, removed)
      values (${tenantId}, ${deletion.slug}, ${JSON.stringify({ tenantId, slug: deletion.slug, rows: removed, partitions: [] })}::jsonb)
      on conflict (purged_tenant_id) do update set removed = jsonb_set(tenant_purges.removed, '{rows}',
        tenant_purges.removed->'rows' || excluded.removed->'rows')`;
    return removed;
  });

  // Dropping a leaf takes ACCESS EXCLUSIVE on its parent: one short transaction per leaf,
  // each bounded by lock_timeout and retried, so ops reads through the parent barely notice.
  const partitions: string[] = [];
  const bases = await asOwner(
    deps.admin,
    (tx) => tx<{ base: string }[]>`select base from tenantkit_tenant_partitioned order by base`,
  );
  for (const { base } of bases) {
    const leaf = schema.dedicatedLeafName(tenantId, base);
    const dropped = await owner(async (tx) => {
      const [present] = await tx`select to_regclass(${leaf}) is not null as present`;
      if (!present?.present) return false;
      await tx.unsafe(`drop table ${ident(leaf)}`);
      return true;
    });
    if (dropped) partitions.push(leaf);
  }

  const report = await owner(async (tx) => {
    const [tenant] = await tx<{ slug: string }[]>`
      delete from tenants where id = ${tenantId} returning slug`;
    const [row] = await tx<{ removed: PurgeReport }[]>`
      update tenant_purges set purged_at = now(),
        removed = jsonb_set(jsonb_set(removed, '{partitions}', (removed->'partitions') || ${JSON.stringify(partitions)}::jsonb),
          '{rows,tenants}', to_jsonb(${tenant ? 1 : 0}::int))
      where purged_tenant_id = ${tenantId} returning removed`;
    if (!row) throw new Error(`purge report of ${tenantId} missing`);
    return row.removed;
  });
  await deps.dns.removePlatformRecord({
    hostname: platformHostname(deps, report.slug),
    tenantId,
  });
  await announceTenantChange(deps, { id: tenantId, slug: report.slug });
  return report;
}

/**
 * Every table with a `tenant_id` (not partitions: deleting through a parent reaches its
 * leaves), ordered so a table comes before every table it references: foreign keys such as
 * `role_bindings -> roles` restrict deletes, and this order never trips them.
 */
async function tablesInDeleteOrder(tx: postgres.TransactionSql): Promise<string[]> {
  const rows = await tx<{ name: string; refs: string[] }[]>`
    select c.relname as name,
      coalesce((select array_agg(distinct r.relname::text) from pg_constraint k
        join pg_class r on r.oid = k.confrelid
        where k.conrelid = c.oid and k.contype = 'f' and k.confrelid <> c.oid), '{}') as refs
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
      and exists (select 1 from pg_attribute a
        where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
      and c.relname <> all (${KEPT})
    order by c.relname`;
  const remaining = new Map(rows.map((r) => [r.name, r.refs]));
  const order: string[] = [];
  while (remaining.size > 0) {
    const referenced = new Set([...remaining.values()].flat());
    const free = [...remaining.keys()].filter((name) => !referenced.has(name));
    // A reference cycle (none today): break it in name order; the cascade does the rest.
    const next = free.length > 0 ? free : [...remaining.keys()].slice(0, 1);
    for (const name of next) {
      order.push(name);
      remaining.delete(name);
    }
  }
  return order;
}
