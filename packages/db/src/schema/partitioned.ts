import type { TenantTier } from './tenants.ts';

/** The leaf of a tenant-partitioned table that belongs to one dedicated tenant. */
export function dedicatedLeafName(tenantId: string, base = 'tasks'): string {
  return `${base}_t_${tenantId.replaceAll('-', '')}`;
}

export interface TenantPartitioned<T> {
  pooled: T;
  dedicated: T;
  /**
   * The relation a tenant's rows are read from (docs/adr/0001): pooled tenants through the
   * 16-bucket hash parent, dedicated tenants straight from their own leaf, so planning cost
   * never depends on how many tenants exist.
   */
  relationFor(tenant: { id: string; tier: TenantTier }): T;
}

/**
 * drizzle tables for one tenant-partitioned table (`<base>_pooled`, `<base>_dedicated` and
 * the per-tenant leaves), all built from one column definition.
 */
export function tenantPartitioned<T>(
  base: string,
  define: (name: string) => T,
): TenantPartitioned<T> {
  const pooled = define(`${base}_pooled`);
  const leaves = new Map<string, T>();
  return {
    pooled,
    dedicated: define(`${base}_dedicated`),
    relationFor(tenant) {
      if (tenant.tier === 'pooled') return pooled;
      const name = dedicatedLeafName(tenant.id, base);
      let leaf = leaves.get(name);
      if (!leaf) {
        // Table objects are cheap to rebuild; the cap keeps memory flat at 100,000 tenants.
        if (leaves.size >= 10_000) leaves.clear();
        leaf = define(name);
        leaves.set(name, leaf);
      }
      return leaf;
    },
  };
}
