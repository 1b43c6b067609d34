import type postgres from 'postgres';
import type { PartitionedTable } from './relations.ts';

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Copies the next batch of a tenant's rows from `source` to `target`, walking the key in
 * order. Rows already in the target (an earlier, interrupted attempt) are left alone, so a
 * batch can be repeated. Returns the last key seen, or null when the source is exhausted.
 */
export async function copyBatch(
  tx: postgres.TransactionSql,
  table: PartitionedTable,
  source: string,
  target: string,
  tenantId: string,
  after: string | null,
  size: number,
): Promise<{ last: string | null; read: number; inserted: number }> {
  const cols = table.columns.map(ident).join(', ');
  const key = ident(table.keyColumn);
  const rows = await tx.unsafe<{ last: string | null; read: string; inserted: string }[]>(
    `with batch as (
       select ${cols} from ${ident(source)}
       where tenant_id = $1 and ($2::${table.keyType} is null or ${key} > $2::${table.keyType})
       order by ${key} limit ${Math.trunc(size)}
     ), ins as (
       insert into ${ident(target)} (${cols}) select ${cols} from batch
       on conflict (tenant_id, ${key}) do nothing returning 1
     )
     select (select ${key}::text from batch order by ${key} desc limit 1) as last,
       (select count(*) from batch) as read, (select count(*) from ins) as inserted`,
    [tenantId, after],
  );
  const row = rows[0];
  const read = Number(row?.read ?? 0);
  return {
    last: read > 0 ? (row?.last ?? null) : null,
    read,
    inserted: Number(row?.inserted ?? 0),
  };
}

/**
 * Makes the target hold exactly the source's rows of the tenant: inserts the missing, rewrites
 * the changed (by `version`), deletes those the source no longer has. Run while the source's
 * writes are paused, after the batches have copied nearly everything.
 */
export async function syncDelta(
  tx: postgres.TransactionSql,
  table: PartitionedTable,
  source: string,
  target: string,
  tenantId: string,
): Promise<{ inserted: number; updated: number; deleted: number }> {
  const cols = table.columns.map(ident);
  const key = ident(table.keyColumn);
  const [s, t] = [ident(source), ident(target)];
  const inserted = await tx.unsafe(
    `insert into ${t} (${cols.join(', ')})
     select ${cols.map((c) => `s.${c}`).join(', ')} from ${s} s
     where s.tenant_id = $1
       and not exists (select 1 from ${t} x where x.tenant_id = $1 and x.${key} = s.${key})`,
    [tenantId],
  );
  let updated = 0;
  if (table.versioned) {
    const set = cols.filter((c) => c !== '"tenant_id"' && c !== key).map((c) => `${c} = s.${c}`);
    const result = await tx.unsafe(
      `update ${t} x set ${set.join(', ')} from ${s} s
       where x.tenant_id = $1 and s.tenant_id = $1 and s.${key} = x.${key}
         and s.version <> x.version`,
      [tenantId],
    );
    updated = result.count;
  }
  const deleted = await tx.unsafe(
    `delete from ${t} x where x.tenant_id = $1
       and not exists (select 1 from ${s} s where s.tenant_id = $1 and s.${key} = x.${key})`,
    [tenantId],
  );
  return { inserted: inserted.count, updated, deleted: deleted.count };
}

/**
 * Empties (part of) the old relation after the switch: deletes up to `limit` of the tenant's
 * rows there and carries into the target those the target lacks (a late writer's insert) or
 * holds at a lower `version` (a late writer's update). Returns rows removed and carried.
 */
export async function sweepBatch(
  tx: postgres.TransactionSql,
  table: PartitionedTable,
  source: string,
  target: string,
  tenantId: string,
  limit: number | null,
): Promise<{ removed: number; carried: number }> {
  const cols = table.columns.map(ident);
  const key = ident(table.keyColumn);
  const list = cols.join(', ');
  const onConflict = table.versioned
    ? `do update set ${cols
        .filter((c) => c !== '"tenant_id"' && c !== key)
        .map((c) => `${c} = excluded.${c}`)
        .join(', ')} where ${ident(target)}.version < excluded.version`
    : 'do nothing';
  const picked =
    limit === null
      ? ''
      : `and ${key} in (select ${key} from ${ident(source)} where tenant_id = $1 limit ${Math.trunc(limit)})`;
  const [row] = await tx.unsafe<{ removed: string; carried: string }[]>(
    `with gone as (
       delete from ${ident(source)} where tenant_id = $1 ${picked} returning ${list}
     ), carried as (
       insert into ${ident(target)} (${list}) select ${list} from gone
       on conflict (tenant_id, ${key}) ${onConflict} returning 1
     )
     select (select count(*) from gone) as removed, (select count(*) from carried) as carried`,
    [tenantId],
  );
  return { removed: Number(row?.removed ?? 0), carried: Number(row?.carried ?? 0) };
}

export { ident };
