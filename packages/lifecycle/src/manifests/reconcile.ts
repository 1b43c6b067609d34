import { seedTenant, type TenantRecord, withTenant } from '@tenantkit/db';
import { createMember, findUserByEmail } from '@tenantkit/identity';
import type { LifecycleActor, LifecycleDeps } from '../deps.ts';
import { onboardTenant } from '../onboarding/onboard.ts';
import { asOwner } from '../owner-tx.ts';
import { changeTenantPlan, renameTenant, resumeTenant, suspendTenant } from '../status.ts';
import { moveTenantTier, type TierMoveOptions } from '../tier-move/move.ts';
import type { DeclaredTenant } from './read.ts';

export interface TenantDiff {
  slug: string;
  file: string;
  action: 'create' | 'update' | 'unchanged' | 'blocked';
  /** Human-readable changes, e.g. `plan: free -> pro`, `member a@b.test: create`. */
  changes: string[];
}

interface Current {
  tenant: TenantRecord;
  members: Set<string>;
}

/** What applying the manifests would change; reads only. */
export async function planTenants(
  deps: LifecycleDeps,
  declared: DeclaredTenant[],
): Promise<TenantDiff[]> {
  const current = await readCurrent(deps, declared);
  return declared.map((d) => diffOne(d, current.get(d.slug)));
}

function diffOne(d: DeclaredTenant, current: Current | undefined): TenantDiff {
  const base = { slug: d.slug, file: d.file };
  if (!current) {
    return {
      ...base,
      action: 'create',
      changes: [
        `tenant: create (${d.tier}, plan ${d.plan}${d.status === 'suspended' ? ', suspended' : ''})`,
        ...d.members.map((m) => `member ${m.email}: create (${m.roles.join(', ')})`),
        ...(d.demo ? [`demo data: ${d.demo.projects.length} projects`] : []),
      ],
    };
  }
  const { tenant } = current;
  if (tenant.status === 'deleting') {
    return { ...base, action: 'blocked', changes: ['tenant is being deleted: left alone'] };
  }
  const changes: string[] = [];
  if (tenant.name !== d.name) changes.push(`name: ${tenant.name} -> ${d.name}`);
  if (tenant.plan !== d.plan) changes.push(`plan: ${tenant.plan} -> ${d.plan}`);
  if (tenant.status !== d.status) changes.push(`status: ${tenant.status} -> ${d.status}`);
  if (tenant.tier !== d.tier) changes.push(`tier: ${tenant.tier} -> ${d.tier} (online move)`);
  for (const m of d.members) {
    if (!current.members.has(m.email.toLowerCase())) {
      changes.push(`member ${m.email}: create (${m.roles.join(', ')})`);
    }
  }
  return { ...base, action: changes.length > 0 ? 'update' : 'unchanged', changes };
}

/**
 * Makes the platform match the manifests: creates missing tenants (onboarding + declared
 * members + demo data), then fixes name, plan, status and tier of existing ones and creates
 * declared members they lack. Never deletes a tenant or a member that a manifest omits.
 * Applying the same manifests twice changes nothing the second time.
 */
export async function applyTenants(
  deps: LifecycleDeps,
  declared: DeclaredTenant[],
  {
    actor = { type: 'system', id: 'ops-apply' } as LifecycleActor,
    tierMove,
    onDiff = async () => {},
  }: {
    actor?: LifecycleActor;
    tierMove?: TierMoveOptions;
    onDiff?: (diff: TenantDiff) => Promise<void>;
  } = {},
): Promise<TenantDiff[]> {
  const diffs = await planTenants(deps, declared);
  for (const [i, diff] of diffs.entries()) {
    const d = declared[i];
    if (!d || diff.action === 'unchanged' || diff.action === 'blocked') {
      await onDiff(diff);
      continue;
    }
    let tenant: TenantRecord;
    if (diff.action === 'create') {
      tenant = (
        await onboardTenant({
          deps,
          actor,
          input: {
            tenantId: crypto.randomUUID(),
            slug: d.slug,
            name: d.name,
            tier: d.tier,
            plan: d.plan,
          },
        })
      ).tenant;
      await seedTenant({
        admin: deps.admin,
        app: deps.app,
        manifest: d,
        platformDomain: deps.platformDomain,
      });
    } else {
      tenant = await updateTenant(deps, d, actor, tierMove);
    }
    if (d.status !== tenant.status) {
      tenant = (
        d.status === 'suspended'
          ? await suspendTenant(deps, tenant.id, actor)
          : await resumeTenant(deps, tenant.id, actor)
      ).tenant;
    }
    await createMissingMembers(deps, tenant, d, actor);
    await onDiff(diff);
  }
  return diffs;
}

async function updateTenant(
  deps: LifecycleDeps,
  d: DeclaredTenant,
  actor: LifecycleActor,
  tierMove: TierMoveOptions | undefined,
): Promise<TenantRecord> {
  let tenant = (await renameTenant(deps, d.slug, d.name, actor)).tenant;
  tenant = (await changeTenantPlan(deps, tenant.id, d.plan, actor)).tenant;
  if (tenant.tier !== d.tier) {
    await moveTenantTier({ deps, ref: tenant.id, to: d.tier, actor, options: tierMove });
    tenant = { ...tenant, tier: d.tier };
  }
  return tenant;
}

async function createMissingMembers(
  deps: LifecycleDeps,
  tenant: TenantRecord,
  d: DeclaredTenant,
  actor: LifecycleActor,
): Promise<void> {
  await withTenant(deps.app, tenant.id, async (tx) => {
    for (const member of d.members) {
      if (await findUserByEmail(tx, tenant, member.email)) continue;
      await createMember(
        tx,
        tenant,
        { actorType: actor.type, actorId: actor.id },
        {
          email: member.email,
          name: member.name,
          password: member.password,
          roleKeys: member.roles,
        },
      );
    }
  });
}

async function readCurrent(
  deps: LifecycleDeps,
  declared: DeclaredTenant[],
): Promise<Map<string, Current>> {
  const slugs = declared.map((d) => d.slug);
  return asOwner(deps.admin, async (tx) => {
    const tenants = await tx<TenantRecord[]>`
      select id, slug, name, status, tier, plan from tenants where slug = any (${slugs})`;
    const members = await tx<{ tenant_id: string; email: string }[]>`
      select tenant_id, lower(email) as email from users
      where tenant_id = any (${tenants.map((t) => t.id)}::uuid[])`;
    const current = new Map<string, Current>();
    for (const tenant of tenants) {
      const emails = members.filter((m) => m.tenant_id === tenant.id).map((m) => m.email);
      current.set(tenant.slug, { tenant, members: new Set(emails) });
    }
    return current;
  });
}
