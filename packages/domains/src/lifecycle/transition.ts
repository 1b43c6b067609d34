import { schema, type TenantTx, uuidv7 } from '@tenantkit/db';
import { and, eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import {
  assertCertificateMove,
  assertDomainMove,
  type CertificateStatus,
  type DomainRow,
  type DomainStatus,
} from './states.ts';

const { tenantDomains, domainEvents } = schema;

/** A state change of either machine, as stored in `domain_events` and published on Redis. */
export interface DomainEvent {
  tenantId: string;
  hostname: string;
  machine: 'domain' | 'certificate';
  from: string | null;
  to: string;
  reason: string | null;
  at: string;
}

export const domainEventsChannel = (prefix: string) => `${prefix}domains:events`;

export type DomainPatch = Partial<Omit<DomainRow, 'tenantId' | 'hostname' | 'kind'>>;

/**
 * Reads the domain row for update (the caller's transaction then owns it until commit), so two
 * processors of the same domain never interleave their read-decide-write steps.
 */
export async function lockDomain(
  tx: TenantTx,
  tenantId: string,
  hostname: string,
): Promise<DomainRow | undefined> {
  const [row] = await tx
    .select()
    .from(tenantDomains)
    .where(
      and(
        eq(tenantDomains.tenantId, tenantId),
        eq(tenantDomains.hostname, hostname),
        eq(tenantDomains.kind, 'custom'),
      ),
    )
    .for('update');
  return row;
}

/**
 * Writes `patch` and one event per machine whose state changed, after checking each move is
 * allowed. Returns the events, for the caller to publish once the transaction committed.
 */
export async function applyTransition(
  tx: TenantTx,
  row: DomainRow,
  patch: DomainPatch,
  now: Date,
): Promise<{ row: DomainRow; events: DomainEvent[] }> {
  const events: DomainEvent[] = [];
  const at = now.toISOString();
  const base = { tenantId: row.tenantId, hostname: row.hostname, at };
  if (patch.status && patch.status !== row.status) {
    assertDomainMove(row.status as DomainStatus, patch.status as DomainStatus);
    const reason = patch.statusReason === undefined ? row.statusReason : patch.statusReason;
    events.push({ ...base, machine: 'domain', from: row.status, to: patch.status, reason });
  }
  if (patch.certStatus && patch.certStatus !== row.certStatus) {
    assertCertificateMove(row.certStatus as CertificateStatus, patch.certStatus);
    const reason = patch.certReason === undefined ? row.certReason : patch.certReason;
    events.push({
      ...base,
      machine: 'certificate',
      from: row.certStatus,
      to: patch.certStatus,
      reason,
    });
  }
  const [updated] = await tx
    .update(tenantDomains)
    .set({ ...patch, updatedAt: now })
    .where(and(eq(tenantDomains.tenantId, row.tenantId), eq(tenantDomains.hostname, row.hostname)))
    .returning();
  if (!updated) throw new Error(`domain ${row.hostname} vanished during its transition`);
  if (events.length > 0) {
    await tx.insert(domainEvents).values(
      events.map((e) => ({
        tenantId: e.tenantId,
        id: uuidv7(),
        hostname: e.hostname,
        machine: e.machine,
        fromState: e.from,
        toState: e.to,
        reason: e.reason,
        createdAt: now,
      })),
    );
  }
  return { row: updated, events };
}

/** Publishes committed events for listeners (ops console, SSE, worker metrics). */
export async function publishDomainEvents(
  redis: Redis,
  keyPrefix: string,
  events: readonly DomainEvent[],
): Promise<void> {
  for (const event of events) {
    await redis.publish(domainEventsChannel(keyPrefix), JSON.stringify(event));
  }
}
