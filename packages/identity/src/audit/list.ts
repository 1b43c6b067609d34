import { schema, type TenantRecord, type TenantTx } from '@tenantkit/db';
import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';

export interface AuditQuery {
  limit: number;
  /** Return events older than this sequence number (the previous page's last `seq`). */
  beforeSeq?: number;
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
}

export type AuditEvent = typeof schema.auditEventsPooled.$inferSelect;

/**
 * A page of the tenant's audit log, newest first. Keyed on `seq` (dense, per tenant, the chain
 * order), so pages stay stable while new events are appended.
 */
export async function listAuditEvents(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id' | 'tier'>,
  query: AuditQuery,
): Promise<{ events: AuditEvent[]; nextBeforeSeq: number | null }> {
  const table = schema.auditEventsRelationFor(tenant);
  const filters: Array<SQL | undefined> = [
    eq(table.tenantId, tenant.id),
    query.beforeSeq === undefined ? undefined : lt(table.seq, query.beforeSeq),
    query.action === undefined ? undefined : eq(table.action, query.action),
    query.actorId === undefined ? undefined : eq(table.actorId, query.actorId),
    query.targetType === undefined ? undefined : eq(table.targetType, query.targetType),
    query.targetId === undefined ? undefined : eq(table.targetId, query.targetId),
    query.from === undefined ? undefined : gte(table.occurredAt, query.from),
    query.to === undefined ? undefined : lt(table.occurredAt, query.to),
  ];
  const rows = await tx
    .select()
    .from(table)
    .where(and(...filters))
    .orderBy(desc(table.seq))
    .limit(query.limit + 1);
  const events = rows.slice(0, query.limit);
  const last = events.at(-1);
  return { events, nextBeforeSeq: rows.length > query.limit && last ? last.seq : null };
}
