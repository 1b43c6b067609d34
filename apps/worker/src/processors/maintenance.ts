import { asOwner, purgeTenant } from '@tenantkit/lifecycle';
import type { ProcessorRegistry, TenantJobData } from '../jobs.ts';
import { failFastOnDomainError } from './provisioning.ts';

export const SESSION_SWEEP_EVERY_MS = 15 * 60_000;

export function registerMaintenance(registry: ProcessorRegistry): void {
  registry.tenant<TenantJobData>('maintenance', 'purge-tenant', ({ tenantId, deps }) =>
    purgeTenant(deps, tenantId).catch(failFastOnDomainError),
  );

  // Platform schedule: finds the tenants that have expired sessions (one index range scan on
  // sessions_expiry_idx) and hands each its own job, so the deletes run under the tenant's RLS.
  registry.platform('maintenance', 'sweep-expired-sessions', async ({ deps }) => {
    const tenants = await asOwner(
      deps.admin,
      (tx) => tx<{ tenant_id: string }[]>`
        select distinct tenant_id from sessions
        where expires_at < now() or absolute_expires_at < now() limit 10000`,
    );
    // One pending job per tenant at a time: the id is its dedupe key.
    const slot = Math.floor(Date.now() / SESSION_SWEEP_EVERY_MS);
    for (const { tenant_id } of tenants) {
      await deps.enqueue(
        'maintenance',
        'expire-sessions',
        { tenantId: tenant_id },
        { jobId: `expire-sessions-${tenant_id}-${slot}` },
      );
    }
    return { tenants: tenants.length };
  });

  registry.tenant('maintenance', 'expire-sessions', async ({ tenantId, inTenant }) => {
    const deleted = await inTenant(
      (tx) => tx.$client`
        delete from sessions where tenant_id = ${tenantId}
          and (expires_at < now() or absolute_expires_at < now())`,
    );
    return { deleted: deleted.count };
  });
}
