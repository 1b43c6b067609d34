import { schema, type TenantRecord, type TenantTx, uuidv7 } from '@tenantkit/db';
import { sql } from 'drizzle-orm';
import { type ChainedEvent, eventHash, genesisHash } from './chain.ts';

/** Who did it, from where: filled in once per request by the transport. */
export interface AuditActor {
  actorType: (typeof schema.actorTypes)[number];
  actorId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

export interface AuditEventInput {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  /** Before/after and other details; never secrets. */
  data?: Record<string, unknown>;
}

/**
 * Appends an event to the tenant's hash chain inside the caller's transaction, so the event
 * exists exactly when the change it records does. The chain head row is locked for the rest of
 * the transaction: appends of one tenant are serialised, other tenants are unaffected.
 */
export async function appendAuditEvent(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id' | 'tier'>,
  actor: AuditActor,
  event: AuditEventInput,
): Promise<{ id: string; seq: number; hash: string }> {
  // One round trip that creates the head if missing and locks it either way. The address is
  // hashed in Postgres's own text form of inet, which is what verification will read back.
  const heads = await tx.$client<{ last_seq: string; last_hash: string; ip: string | null }[]>`
    insert into audit_chain_heads (tenant_id, last_seq, last_hash)
    values (${tenant.id}, 0, ${genesisHash(tenant.id)})
    on conflict (tenant_id) do update set last_seq = audit_chain_heads.last_seq
    returning last_seq, last_hash, host(${actor.ip ?? null}::inet) as ip`;
  const head = heads[0];
  if (!head) throw new Error('audit chain head missing');
  const chained: ChainedEvent = {
    tenantId: tenant.id,
    id: uuidv7(),
    seq: Number(head.last_seq) + 1,
    occurredAt: new Date(),
    actorType: actor.actorType,
    actorId: actor.actorId ?? null,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    ip: head.ip,
    userAgent: actor.userAgent?.slice(0, 512) ?? null,
    requestId: actor.requestId ?? null,
    data: event.data ?? {},
  };
  const hash = eventHash(head.last_hash, chained);
  const table = schema.auditEventsRelationFor(tenant);
  await tx.execute(sql`
    with appended as (
      insert into ${table} (tenant_id, id, seq, occurred_at, actor_type, actor_id, action,
        target_type, target_id, ip, user_agent, request_id, data, prev_hash, hash)
      values (${chained.tenantId}, ${chained.id}, ${chained.seq}, ${chained.occurredAt.toISOString()},
        ${chained.actorType}, ${chained.actorId}, ${chained.action}, ${chained.targetType},
        ${chained.targetId}, ${chained.ip}, ${chained.userAgent}, ${chained.requestId},
        ${JSON.stringify(chained.data)}::jsonb, ${head.last_hash}, ${hash})
      returning seq
    )
    update audit_chain_heads set last_seq = (select seq from appended), last_hash = ${hash}
    where tenant_id = ${tenant.id}`);
  return { id: chained.id, seq: chained.seq, hash };
}
