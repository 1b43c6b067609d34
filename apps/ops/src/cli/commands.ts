import {
  applyTenants,
  cancelTenantDeletion,
  changeTenantPlan,
  findTenant,
  moveTenantTier,
  onboardTenant,
  planTenants,
  purgeTenant,
  readDeclaredTenants,
  requestTenantDeletion,
  resumeTenant,
  suspendTenant,
  type TenantDiff,
} from '@tenantkit/lifecycle';
import type { CliContext } from './context.ts';
import { onboardingPrinter, tierMovePrinter } from './progress.ts';

export interface Flags {
  [name: string]: string | boolean | undefined;
}

const operator = () => ({ type: 'operator' as const, id: process.env.USER || 'cli' });

export class UsageError extends Error {}

function need(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

function tierOf(value: string | undefined): 'pooled' | 'dedicated' {
  if (value === 'pooled' || value === 'dedicated') return value;
  throw new UsageError('tier must be pooled or dedicated');
}

export async function onboard(ctx: CliContext, [slug]: string[], flags: Flags) {
  const input = {
    slug: need(slug, '<slug>'),
    name: typeof flags.name === 'string' ? flags.name : need(slug, '<slug>'),
    tier: tierOf((flags.tier as string | undefined) ?? 'pooled'),
    plan: typeof flags.plan === 'string' ? flags.plan : 'free',
    ...(typeof flags.owner === 'string' ? { ownerEmail: flags.owner } : {}),
  };
  const print = onboardingPrinter(ctx.out);
  ctx.out(`onboarding ${input.slug} (${input.tier})`);
  if (flags.inline) {
    const { tenant } = await onboardTenant({
      deps: ctx.deps,
      actor: operator(),
      input: { ...input, tenantId: (await existingId(ctx, input.slug)) ?? crypto.randomUUID() },
      onProgress: async (p) => print(p),
    });
    return ctx.out(`ready: ${tenant.slug} ${tenant.id}`);
  }
  const ref = await ctx.jobs().enqueueOnboarding(input, operator());
  ctx.out(`  job ${ref.queue}/${ref.id} queued (a worker runs it: pnpm worker)`);
  await ctx.jobs().wait(ref, { onProgress: print });
  ctx.out(`ready: ${input.slug} ${ref.tenantId}`);
}

async function existingId(ctx: CliContext, slug: string) {
  return findTenant(ctx.deps.admin, slug).then(
    (t) => t.id,
    () => undefined,
  );
}

export async function suspend(ctx: CliContext, [ref]: string[]) {
  const { tenant, changed } = await suspendTenant(ctx.deps, need(ref, '<tenant>'), operator());
  ctx.out(`${tenant.slug}: ${changed ? 'suspended' : 'already suspended'}`);
}

export async function resume(ctx: CliContext, [ref]: string[]) {
  const { tenant, changed } = await resumeTenant(ctx.deps, need(ref, '<tenant>'), operator());
  ctx.out(`${tenant.slug}: ${changed ? 'resumed' : 'already active'}`);
}

export async function plan(ctx: CliContext, [ref, name]: string[]) {
  const { tenant, changed } = await changeTenantPlan(
    ctx.deps,
    need(ref, '<tenant>'),
    need(name, '<plan>'),
    operator(),
  );
  ctx.out(`${tenant.slug}: plan ${tenant.plan}${changed ? '' : ' (unchanged)'}`);
}

export async function moveTier(ctx: CliContext, [ref, to]: string[], flags: Flags) {
  const tenant = await findTenant(ctx.deps.admin, need(ref, '<tenant>'));
  const tier = tierOf(to);
  const print = tierMovePrinter(ctx.out);
  ctx.out(`moving ${tenant.slug}: ${tenant.tier} -> ${tier}`);
  const report = flags.inline
    ? await moveTenantTier({
        deps: ctx.deps,
        ref: tenant.id,
        to: tier,
        onProgress: async (p) => print(p),
      })
    : await ctx.jobs().wait(await ctx.jobs().enqueueTierMove(tenant.id, tier, operator()), {
        onProgress: print,
      });
  ctx.out(JSON.stringify(report));
}

export async function remove(ctx: CliContext, [ref]: string[], flags: Flags) {
  const graceMs =
    typeof flags['grace-hours'] === 'string'
      ? Number(flags['grace-hours']) * 3_600_000
      : ctx.config.deletionGraceMs;
  if (!Number.isFinite(graceMs) || graceMs < 0) throw new UsageError('--grace-hours must be >= 0');
  const request = await requestTenantDeletion(ctx.deps, need(ref, '<tenant>'), operator(), graceMs);
  await ctx.jobs().schedulePurge(request.tenant.id, request.purgeAfter);
  ctx.out(
    `${request.tenant.slug}: ${request.requested ? 'deletion requested' : 'deletion already pending'};` +
      ` purged after ${request.purgeAfter.toISOString()} (cancel: pnpm ops cancel-delete ${request.tenant.slug})`,
  );
}

export async function cancelDelete(ctx: CliContext, [ref]: string[]) {
  const tenant = await cancelTenantDeletion(ctx.deps, need(ref, '<tenant>'), operator());
  await ctx.jobs().cancelPurge(tenant.id);
  ctx.out(`${tenant.slug}: deletion cancelled, status ${tenant.status}`);
}

/** Purges now, in this process; the grace period still applies unless --ignore-grace. */
export async function purge(ctx: CliContext, [ref]: string[], flags: Flags) {
  const tenant = await findTenant(ctx.deps.admin, need(ref, '<tenant>'));
  ctx.out(`purging ${tenant.slug} (${tenant.id})`);
  const report = await purgeTenant(ctx.deps, tenant.id, {
    ignoreGracePeriod: flags['ignore-grace'] === true,
  });
  await ctx.jobs().cancelPurge(tenant.id);
  for (const [table, n] of Object.entries(report.rows)) ctx.out(`  ${table}: ${n} rows`);
  for (const leaf of report.partitions) ctx.out(`  dropped ${leaf}`);
}

export async function apply(ctx: CliContext, [path]: string[], flags: Flags) {
  const declared = await readDeclaredTenants(need(path, '<folder or file>'));
  const show = async (diff: TenantDiff) => {
    ctx.out(`${diff.slug} (${diff.file}): ${diff.action}`);
    for (const change of diff.changes) ctx.out(`  ${change}`);
  };
  if (flags['dry-run']) {
    for (const diff of await planTenants(ctx.deps, declared)) await show(diff);
    return;
  }
  await applyTenants(ctx.deps, declared, { onDiff: show });
}
