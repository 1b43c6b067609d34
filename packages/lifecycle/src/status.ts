import { ConflictError, InvalidInputError, type TenantRecord, withTenant } from '@tenantkit/db';
import { appendAuditEvent } from '@tenantkit/identity';
import type { LifecycleActor, LifecycleDeps } from './deps.ts';
import { asOwner } from './owner-tx.ts';
import { announceTenantChange, findTenant } from './tenants.ts';

type Change = { status?: 'active' | 'suspended'; plan?: string; name?: string };

/**
 * Updates the tenant row, records the change in the tenant's audit log, then tells every api
 * instance (publishTenantChange) so a suspension takes effect everywhere within one pub/sub
 * hop. Unchanged values are a no-op that writes and publishes nothing.
 */
async function changeTenant(
  deps: LifecycleDeps,
  ref: string,
  actor: LifecycleActor,
  action: string,
  change: Change,
): Promise<{ tenant: TenantRecord; changed: boolean }> {
  const before = await findTenant(deps.admin, ref);
  if (before.status === 'deleting') {
    throw new ConflictError('tenant-deleting', `tenant ${before.slug} is being deleted`);
  }
  const after = { ...before, ...change };
  if (after.status === before.status && after.plan === before.plan && after.name === before.name) {
    return { tenant: before, changed: false };
  }
  const [tenant] = await asOwner(
    deps.admin,
    (tx) => tx<TenantRecord[]>`
      update tenants set status = ${after.status}, plan = ${after.plan}, name = ${after.name},
        updated_at = now()
      where id = ${before.id} and status <> 'deleting'
      returning id, slug, name, status, tier, plan`,
  );
  if (!tenant) throw new ConflictError('tenant-deleting', `tenant ${before.slug} is being deleted`);
  await withTenant(deps.app, tenant.id, (tx) =>
    appendAuditEvent(
      tx,
      tenant,
      { actorType: actor.type, actorId: actor.id },
      {
        action,
        targetType: 'tenant',
        targetId: tenant.id,
        data: { before: pick(before, change), after: pick(tenant, change) },
      },
    ),
  );
  await announceTenantChange(deps, tenant);
  return { tenant, changed: true };
}

function pick(tenant: TenantRecord, change: Change): Record<string, unknown> {
  return Object.fromEntries(Object.keys(change).map((k) => [k, tenant[k as keyof TenantRecord]]));
}

export function suspendTenant(deps: LifecycleDeps, ref: string, actor: LifecycleActor) {
  return changeTenant(deps, ref, actor, 'tenant.suspended', { status: 'suspended' });
}

export function resumeTenant(deps: LifecycleDeps, ref: string, actor: LifecycleActor) {
  return changeTenant(deps, ref, actor, 'tenant.resumed', { status: 'active' });
}

const PLAN = /^[a-z0-9][a-z0-9_-]{0,49}$/;

export function changeTenantPlan(
  deps: LifecycleDeps,
  ref: string,
  plan: string,
  actor: LifecycleActor,
) {
  if (!PLAN.test(plan)) throw new InvalidInputError('invalid-plan', 'plan must be a short key');
  return changeTenant(deps, ref, actor, 'tenant.plan_changed', { plan });
}

export function renameTenant(
  deps: LifecycleDeps,
  ref: string,
  name: string,
  actor: LifecycleActor,
) {
  if (name.length < 1 || name.length > 200) {
    throw new InvalidInputError('invalid-name', 'name must be 1 to 200 characters');
  }
  return changeTenant(deps, ref, actor, 'tenant.renamed', { name });
}
