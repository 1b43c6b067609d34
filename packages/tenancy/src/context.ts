import { AsyncLocalStorage } from 'node:async_hooks';
import type { TenantRecord } from '@tenantkit/db';

const storage = new AsyncLocalStorage<TenantRecord>();

/**
 * Runs `fn` with `tenant` as the current tenant, so logs, jobs and cache keys created anywhere
 * below it carry the tenant without threading it through every call.
 */
export function runWithTenant<T>(tenant: TenantRecord, fn: () => T): T {
  return storage.run(tenant, fn);
}

export function currentTenant(): TenantRecord | undefined {
  return storage.getStore();
}

/** A Redis key or queue name scoped to one tenant; `{}` keeps a tenant's keys in one slot. */
export function tenantKey(tenantId: string, ...parts: string[]): string {
  return [`t:{${tenantId}}`, ...parts].join(':');
}
