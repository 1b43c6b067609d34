import type { Database, TenantRecord } from '@tenantkit/db';

/** What every service function receives besides its input. Identity adds the actor. */
export interface ServiceContext {
  db: Database;
  tenant: TenantRecord;
}
