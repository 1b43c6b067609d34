import { ConflictError, NotFoundError, type TenantRecord, withTenant } from '@tenantkit/db';
import { appendAuditEvent } from '@tenantkit/identity';
import type { LifecycleActor, LifecycleDeps } from '../deps.ts';
import { asOwner } from '../owner-tx.ts';
import { announceTenantChange, findTenant } from '../tenants.ts';

export interface DeletionRequest {
  tenant: TenantRecord;
  purgeAfter: Date;
  /** False when the deletion had been requested already (the first request stands). */
  requested: boolean;
}

/**
 * First half of deleting a tenant: it stops being served at once (status `deleting`: its hosts
 * answer 404 on every instance after the announcement) and its data is kept for `graceMs`, in
 * which `cancelTenantDeletion` gives it back. The purge job runs after the grace period.
 */
export async function requestTenantDeletion(
  deps: LifecycleDeps,
  ref: string,
  actor: LifecycleActor,
  graceMs: number,
): Promise<DeletionRequest> {
  const before = await findTenant(deps.admin, ref);
  const purgeAfter = new Date(Date.now() + graceMs);
  const result = await asOwner(deps.admin, async (tx) => {
    const [current] = await tx<TenantRecord[]>`
      select id, slug, name, status, tier, plan from tenants where id = ${before.id} for update`;
    if (!current) throw new NotFoundError(`tenant ${ref}`);
    const [existing] = await tx<{ purge_after: Date }[]>`
      select purge_after from tenant_deletions where tenant_id = ${current.id}`;
    if (existing) return { tenant: current, purgeAfter: existing.purge_after, requested: false };
    await tx`
      insert into tenant_deletions (tenant_id, requested_by, purge_after, previous_status)
      values (${current.id}, ${`${actor.type}:${actor.id}`}, ${purgeAfter.toISOString()}::timestamptz, ${current.status})`;
    const [tenant] = await tx<TenantRecord[]>`
      update tenants set status = 'deleting', updated_at = now() where id = ${current.id}
      returning id, slug, name, status, tier, plan`;
    return { tenant: tenant ?? current, purgeAfter, requested: true };
  });
  if (result.requested) {
    await withTenant(deps.app, result.tenant.id, (tx) =>
      appendAuditEvent(
        tx,
        result.tenant,
        { actorType: actor.type, actorId: actor.id },
        {
          action: 'tenant.deletion_requested',
          targetType: 'tenant',
          targetId: result.tenant.id,
          data: { purgeAfter: purgeAfter.toISOString() },
        },
      ),
    );
    await announceTenantChange(deps, result.tenant);
  }
  return result;
}

/** Gives a tenant whose deletion is pending its previous status back. */
export async function cancelTenantDeletion(
  deps: LifecycleDeps,
  ref: string,
  actor: LifecycleActor,
): Promise<TenantRecord> {
  const before = await findTenant(deps.admin, ref);
  const tenant = await asOwner(deps.admin, async (tx) => {
    const [pending] = await tx<{ previous_status: string }[]>`
      delete from tenant_deletions where tenant_id = ${before.id} returning previous_status`;
    if (!pending)
      throw new ConflictError('no-deletion', `tenant ${before.slug} is not being deleted`);
    const [row] = await tx<TenantRecord[]>`
      update tenants set status = ${pending.previous_status}, updated_at = now()
      where id = ${before.id} returning id, slug, name, status, tier, plan`;
    return row ?? before;
  });
  await withTenant(deps.app, tenant.id, (tx) =>
    appendAuditEvent(
      tx,
      tenant,
      { actorType: actor.type, actorId: actor.id },
      { action: 'tenant.deletion_cancelled', targetType: 'tenant', targetId: tenant.id },
    ),
  );
  await announceTenantChange(deps, tenant);
  return tenant;
}
