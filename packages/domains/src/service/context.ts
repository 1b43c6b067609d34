import type { Database, TenantRecord, TenantTx } from '@tenantkit/db';
import type { DomainPolicy, RoutingTarget } from '../deps.ts';

/** Writes the audit event of a change inside the change's own transaction (the app's hook). */
export type AuditHook = (
  tx: TenantTx,
  event: { action: string; targetId: string; data?: Record<string, unknown> },
) => Promise<void>;

export interface DomainServiceContext {
  db: Database;
  tenant: TenantRecord;
  platformDomain: string;
  policy: DomainPolicy;
  routing: RoutingTarget;
  audit?: AuditHook;
  now?: () => Date;
}
