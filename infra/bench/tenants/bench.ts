/**
 * `pnpm bench tenants`: list-tasks through the full api as the tenant count grows
 * (10 -> 1,000 -> 10,000 in one database per dedicated share), requests spread uniformly over
 * every tenant's projects; plus createTenant() cost per tier at the largest size.
 */
import { apiServerEnv, PLATFORM_DOMAIN } from '../lib/api-env.ts';
import { fetchTaskPage } from '../lib/http.ts';
import type { Target } from '../lib/load.ts';
import { figures, type Measured, measure } from '../lib/measure.ts';
import {
  COMMON_USAGE,
  type CommonOptions,
  parseOptions,
  positive,
  progress,
} from '../lib/options.ts';
import { createScratchDatabase, type ScratchDatabase } from '../lib/scratch-db.ts';
import { startServer } from '../lib/servers.ts';
import type { LatencySummary } from '../lib/stats.ts';
import { timeTenantCreation } from './creation.ts';
import { type BenchTenant, growTenants } from './grow.ts';
import { type CaseRow, type CreationRow, report } from './report.ts';

const USAGE = `pnpm bench tenants [options]
${COMMON_USAGE}   (--quick: 10 / 200 / 2,000 tenants)
  --tenants LIST   tenant counts, ascending (default 10,1000,10000)
  --shares LIST    dedicated percentages, one database each (default 10,50)
  --tasks N        tasks per tenant, split over its projects (default 100)
  --projects N     projects per tenant (default 2)
  --create N       createTenant() calls per tier timed at the largest size (default 200)
  --rounds N       rounds per case (default 2): the first, on a fresh process and pool right
                   after priming, is reported as "cold"; the others (steady state, what the
                   target is judged on) as the median`;

export async function runTenantsBench(argv: string[]): Promise<void> {
  const { common, extra } = parseOptions(
    argv,
    {
      tenants: { type: 'string' },
      shares: { type: 'string', default: '10,50' },
      tasks: { type: 'string', default: '100' },
      projects: { type: 'string', default: '2' },
      create: { type: 'string', default: '200' },
      rounds: { type: 'string', default: '2' },
    },
    USAGE,
  );
  const counts = list('tenants', extra.tenants ?? (common.quick ? '10,200,2000' : '10,1000,10000'));
  const shares = list('shares', extra.shares);
  const projectsPerTenant = positive('projects', extra.projects);
  const tasksPerProject = Math.ceil(positive('tasks', extra.tasks) / projectsPerTenant);
  const createCount = positive('create', extra.create);
  const rounds = positive('rounds', extra.rounds);

  const cases: CaseRow[] = [];
  const creations: CreationRow[] = [];
  for (const pct of shares) {
    const db = await createScratchDatabase(`tk_bench_tenants_${pct}`);
    try {
      const tenants: BenchTenant[] = [];
      for (const count of counts) {
        const startedAt = performance.now();
        progress(
          `${pct}% dedicated: growing ${db.name} from ${tenants.length} to ${count} tenants`,
        );
        tenants.push(
          ...(await growTenants(db, tenants.length, count, {
            dedicatedPct: pct,
            projectsPerTenant,
            tasksPerProject,
            platformDomain: PLATFORM_DOMAIN,
          })),
        );
        const loadSeconds = (performance.now() - startedAt) / 1000;
        progress(`${pct}% dedicated: ${count} tenants ready in ${loadSeconds.toFixed(1)} s`);
        const [cold, ...warm] = await measureTenants(db, tenants, `${count}@${pct}%`, {
          ...common,
          rounds,
        });
        const coldFigures = figures(cold ? [cold] : []);
        cases.push({
          pct,
          tenants: count,
          dedicated: tenants.filter((t) => t.tier === 'dedicated').length,
          targets: tenants.length * projectsPerTenant,
          loadSeconds,
          cold: { rps: coldFigures.rps, p50: coldFigures.p50 },
          // With one round only, the cold one is all there is.
          ...figures(warm.length > 0 ? warm : cold ? [cold] : []),
        });
      }
      for (const tier of ['pooled', 'dedicated'] as const) {
        progress(`${pct}% dedicated: timing ${createCount} createTenant() calls, ${tier}`);
        const summary: LatencySummary = await timeTenantCreation(
          db,
          tier,
          createCount,
          PLATFORM_DOMAIN,
        );
        creations.push({
          pct,
          tenantsBefore: tenants.length,
          tier,
          count: createCount,
          ...summary,
        });
      }
    } finally {
      await db.finish({ keep: common.keep });
    }
  }
  report(cases, creations, common);
}

/**
 * A fresh api process (cold caches, fresh pool) per case, primed on every tenant once and
 * warmed up, then measured `rounds` times: the first round still pays first touches (each
 * PostgreSQL backend loading the partitions it meets, caches filling), the later ones show
 * the steady state a long-running process serves in.
 */
async function measureTenants(
  db: ScratchDatabase,
  tenants: BenchTenant[],
  label: string,
  options: CommonOptions & { rounds: number },
): Promise<Measured[]> {
  const server = await startServer(
    'api',
    apiServerEnv(db.adminUrl, { poolMax: options.poolMax, bench: 'tenants' }),
  );
  try {
    const targetsOf = (t: BenchTenant): Target[] =>
      t.projectIds.map((id) => ({
        host: t.host,
        path: `/v1/projects/${id}/tasks`,
        headers: t.headers,
      }));
    for (const tier of ['pooled', 'dedicated'] as const) {
      const sample = tenants.find((t) => t.tier === tier);
      const first = sample && targetsOf(sample)[0];
      if (first && (await fetchTaskPage(server.url, first)).length !== 20) {
        throw new Error(
          `${label}: ${tier} tenant ${sample.slug} did not answer a page of 20 tasks`,
        );
      }
    }
    const targets = tenants.flatMap(targetsOf);
    const servingPids = async () => ({ server: [server.pid], database: await db.backendPids() });
    const runs: Measured[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const first = round === 0;
      runs.push(
        await measure(`${label} #${round + 1}`, server.url, targets, {
          ...options,
          warmup: first ? options.warmup : 0,
          prime: first ? tenants.map((t) => targetsOf(t)[0]).filter((t) => t !== undefined) : [],
          servingPids,
        }),
      );
    }
    return runs;
  } finally {
    await server.stop();
  }
}

function list(name: string, raw: unknown): number[] {
  const values = String(raw)
    .split(',')
    .map((v) => positive(name, v.trim()));
  if (values.some((v, i) => i > 0 && v <= (values[i - 1] ?? 0))) {
    console.error(`--${name} must be ascending`);
    process.exit(2);
  }
  return values;
}
