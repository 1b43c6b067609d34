import { type Database, isUuid, NotFoundError, type TenantRecord } from '@tenantkit/db';
import { publishTenantChange } from '@tenantkit/tenancy';
import type { LifecycleDeps } from './deps.ts';
import { asOwner } from './owner-tx.ts';

/** A tenant by id or slug, whatever its status; NotFoundError otherwise. */
export async function findTenant(admin: Database, ref: string): Promise<TenantRecord> {
  const rows = await asOwner(admin, (tx) =>
    isUuid(ref)
      ? tx<TenantRecord[]>`select id, slug, name, status, tier, plan from tenants where id = ${ref}`
      : tx<
          TenantRecord[]
        >`select id, slug, name, status, tier, plan from tenants where slug = ${ref}`,
  );
  const tenant = rows[0];
  if (!tenant) throw new NotFoundError(`tenant ${ref}`);
  return tenant;
}

export function platformHostname(deps: Pick<LifecycleDeps, 'platformDomain'>, slug: string) {
  return `${slug}.${deps.platformDomain}`;
}

/** Tells every api instance to forget what it cached about the tenant. Call after commit. */
export function announceTenantChange(
  deps: Pick<LifecycleDeps, 'redis' | 'keyPrefix' | 'platformDomain'>,
  tenant: Pick<TenantRecord, 'id' | 'slug'>,
): Promise<void> {
  return publishTenantChange(deps.redis, deps.keyPrefix, {
    tenantId: tenant.id,
    hosts: [platformHostname(deps, tenant.slug)],
  });
}
