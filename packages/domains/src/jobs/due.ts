import type { Database } from '@tenantkit/db';

/**
 * Custom domains with work due (verification, re-verification, issuance or renewal), across
 * tenants, for a scheduler to enqueue; each job then runs inside its own tenant's context.
 */
export async function findDueDomains(
  db: Database,
  { now = new Date(), limit = 500 }: { now?: Date; limit?: number } = {},
): Promise<{ tenantId: string; hostname: string }[]> {
  const rows = await db.sql<{ tenant_id: string; hostname: string }[]>`
    select tenant_id, hostname from domains_due(${now.toISOString()}::timestamptz, ${limit})`;
  return rows.map((r) => ({ tenantId: r.tenant_id, hostname: r.hostname }));
}
