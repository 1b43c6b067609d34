import type postgres from 'postgres';
import { ConflictError, InvalidInputError } from '../errors.ts';
import type { TenantStatus, TenantTier } from '../schema/index.ts';

export interface TenantRecord {
  id: string;
  slug: string;
  name: string;
  status: TenantStatus;
  tier: TenantTier;
  plan: string;
}

export interface CreateTenantInput {
  /**
   * Chosen by the caller when the id must be known before the tenant exists (onboarding jobs
   * carry it from the start); a slug already held by another id is then a conflict.
   */
  id?: string;
  slug: string;
  name: string;
  tier: TenantTier;
  plan?: string;
  /** The platform domain; the tenant is reachable at `<slug>.<platformDomain>`. */
  platformDomain: string;
}

const SLUG = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Creates a tenant with everything it needs to serve requests: its row, its own partitions
 * (one leaf per tenant-partitioned table) when dedicated, and its platform hostname. Idempotent by slug: a second call
 * returns the existing tenant and creates whatever is missing, so an interrupted onboarding
 * can simply be run again.
 *
 * Runs as the owner role (DDL for the dedicated leaf), on an admin connection.
 */
export async function createTenant({
  admin,
  input,
}: {
  admin: postgres.Sql;
  input: CreateTenantInput;
}): Promise<{ tenant: TenantRecord; created: boolean }> {
  if (!SLUG.test(input.slug)) {
    throw new InvalidInputError(
      'invalid-slug',
      'slug must be lower-case letters, digits and hyphens',
    );
  }
  return admin.begin(async (tx) => {
    await tx`set local role tenantkit_owner`;
    // Serialises concurrent onboarding of the same slug without failing either caller.
    await tx`select pg_advisory_xact_lock(hashtextextended(${`tenant:${input.slug}`}, 0))`;
    const inserted = await tx<TenantRecord[]>`
      insert into tenants (id, slug, name, tier, plan)
      values (coalesce(${input.id ?? null}::uuid, gen_random_uuid()), ${input.slug}, ${input.name},
        ${input.tier}, ${input.plan ?? 'free'})
      on conflict (slug) do nothing
      returning id, slug, name, status, tier, plan`;
    const created = inserted.length > 0;
    const tenant =
      inserted[0] ??
      (
        await tx<TenantRecord[]>`
          select id, slug, name, status, tier, plan from tenants where slug = ${input.slug}`
      )[0];
    if (!tenant) throw new Error(`tenant ${input.slug} vanished during creation`);
    if (input.id && tenant.id !== input.id) {
      throw new ConflictError('slug-taken', `slug ${input.slug} belongs to another tenant`);
    }
    if (tenant.tier === 'dedicated') {
      await tx`select tenantkit_create_dedicated_leaves(${tenant.id})`;
    }
    await tx`
      insert into tenant_domains (tenant_id, hostname, kind, status)
      values (${tenant.id}, ${`${tenant.slug}.${input.platformDomain}`}, 'platform', 'active')
      on conflict do nothing`;
    return { tenant, created };
  });
}
