import { schema } from '@tenantkit/db';
import type postgres from 'postgres';

/** One tenant-partitioned table as the tier move sees it (docs/adr/0001). */
export interface PartitionedTable {
  base: string;
  columns: string[];
  /** Primary-key columns after `tenant_id`; batches walk them in order. */
  keyColumn: string;
  /** SQL type of the key column, for the batch cursor's cast. */
  keyType: string;
  /** Whether rows carry a `version` that updates bump (changed rows are re-copied). */
  versioned: boolean;
}

/** Every table registered in `tenantkit_tenant_partitioned`, read from the catalog. */
export async function partitionedTables(tx: postgres.TransactionSql): Promise<PartitionedTable[]> {
  const rows = await tx<{ base: string; columns: string[]; keys: string[]; key_type: string }[]>`
    select p.base,
      (select array_agg(a.attname::text order by a.attnum) from pg_attribute a
        where a.attrelid = (p.base || '_pooled')::regclass and a.attnum > 0 and not a.attisdropped)
        as columns,
      (select array_agg(a.attname::text order by k.ord)
        from pg_index i
        cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
        where i.indrelid = (p.base || '_pooled')::regclass and i.indisprimary) as keys,
      (select format_type(a.atttypid, a.atttypmod)
        from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[1]
        where i.indrelid = (p.base || '_pooled')::regclass and i.indisprimary) as key_type
    from tenantkit_tenant_partitioned p order by p.base`;
  return rows.map((r) => {
    const [lead, key, ...rest] = r.keys;
    if (lead !== 'tenant_id' || !key || rest.length > 0) {
      throw new Error(`${r.base}_pooled: the tier move needs a primary key (tenant_id, <key>)`);
    }
    return {
      base: r.base,
      columns: r.columns,
      keyColumn: key,
      keyType: r.key_type,
      versioned: r.columns.includes('version'),
    };
  });
}

/** The physical relation holding a tenant's rows of `base` on a tier. */
export function relationOf(base: string, tenantId: string, tier: TenantTier): string {
  return tier === 'pooled' ? `${base}_pooled` : schema.dedicatedLeafName(tenantId, base);
}

/**
 * The hash bucket of `<base>_pooled` that holds the tenant: the smallest relation whose lock
 * stops the tenant's pooled writes (it also pauses the other tenants of that bucket, 1/16 of
 * the pooled tier, for as long as the move's final switch holds it).
 */
export async function pooledBucketOf(
  tx: postgres.TransactionSql,
  base: string,
  tenantId: string,
): Promise<string> {
  const rows = await tx<{ name: string }[]>`
    select c.relname as name
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    cross join lateral regexp_match(pg_get_expr(c.relpartbound, c.oid),
      'modulus (\\d+), remainder (\\d+)') as m(b)
    where i.inhparent = ${`${base}_pooled`}::regclass
      and satisfies_hash_partition(${`${base}_pooled`}::regclass, m.b[1]::int, m.b[2]::int,
        ${tenantId}::uuid)`;
  const name = rows[0]?.name;
  if (!name) throw new Error(`no hash bucket of ${base}_pooled holds tenant ${tenantId}`);
  return name;
}

type TenantTier = import('@tenantkit/db').TenantRecord['tier'];
