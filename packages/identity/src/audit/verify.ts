import { schema, type TenantRecord, type TenantTx } from '@tenantkit/db';
import { and, asc, eq, gt } from 'drizzle-orm';
import { eventHash, genesisHash } from './chain.ts';

export type ChainBreak =
  | { seq: number; id: string; reason: 'prev_hash_mismatch' | 'hash_mismatch' }
  | { seq: number; reason: 'gap' }
  | { seq: number; reason: 'head_mismatch' };

export interface ChainReport {
  events: number;
  firstBreak: ChainBreak | null;
}

/**
 * Walks a tenant's audit chain in `seq` order, in pages, and reports the first broken link: an
 * edited event (its hash no longer matches), a deleted one (a gap, or the next event's
 * prev_hash pointing elsewhere), or a truncated tail (the head remembers a later link).
 */
export async function verifyAuditChain(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id' | 'tier'>,
  { pageSize = 1000 }: { pageSize?: number } = {},
): Promise<ChainReport> {
  const table = schema.auditEventsRelationFor(tenant);
  let prevHash = genesisHash(tenant.id);
  let expectedSeq = 1;
  let events = 0;
  for (;;) {
    const page = await tx
      .select()
      .from(table)
      .where(and(eq(table.tenantId, tenant.id), gt(table.seq, expectedSeq - 1)))
      .orderBy(asc(table.seq))
      .limit(pageSize);
    for (const row of page) {
      if (row.seq !== expectedSeq)
        return { events, firstBreak: { seq: expectedSeq, reason: 'gap' } };
      if (row.prevHash !== prevHash) {
        return { events, firstBreak: { seq: row.seq, id: row.id, reason: 'prev_hash_mismatch' } };
      }
      const recomputed = eventHash(prevHash, row);
      if (recomputed !== row.hash) {
        return { events, firstBreak: { seq: row.seq, id: row.id, reason: 'hash_mismatch' } };
      }
      prevHash = row.hash;
      expectedSeq++;
      events++;
    }
    if (page.length < pageSize) break;
  }
  const [head] = await tx
    .select()
    .from(schema.auditChainHeads)
    .where(eq(schema.auditChainHeads.tenantId, tenant.id));
  if (head && (head.lastSeq !== events || head.lastHash !== prevHash)) {
    return { events, firstBreak: { seq: events + 1, reason: 'head_mismatch' } };
  }
  return { events, firstBreak: null };
}
