import { createHash } from 'node:crypto';

/** The fields of an audit event that its hash covers, in a fixed order. */
export interface ChainedEvent {
  tenantId: string;
  id: string;
  seq: number;
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  data: unknown;
}

/** The first link of a tenant's chain: deterministic, so a deleted first event is detected. */
export function genesisHash(tenantId: string): string {
  return sha256(`tenantkit-audit-genesis:${tenantId}`);
}

/**
 * hash = SHA-256(prevHash || canonical JSON of the event). Canonical: fixed field order,
 * object keys sorted at every depth, dates as ISO strings, so the same event always hashes
 * the same whatever the key order it was built or read back with.
 */
export function eventHash(prevHash: string, event: ChainedEvent): string {
  const canonical = canonicalJson([
    event.tenantId,
    event.id,
    event.seq,
    event.occurredAt.toISOString(),
    event.actorType,
    event.actorId,
    event.action,
    event.targetType,
    event.targetId,
    event.ip,
    event.userAgent,
    event.requestId,
    event.data,
  ]);
  return sha256(`${prevHash}\n${canonical}`);
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function sha256(input: string): string {
  return createHash('sha256').update(input).digest('hex');
}
