import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { wildcardDns } from '@tenantkit/lifecycle';
import { JobsClient } from '@tenantkit/worker';
import { Redis } from 'ioredis';
import { formatTable, printJsonLines } from '../lib/report.ts';
import { createScratchDatabase } from '../lib/scratch-db.ts';
import { round } from '../lib/stats.ts';
import { benchOnboarding } from './onboarding.ts';
import { benchTierMove } from './tier-move.ts';

const USAGE = `pnpm bench ops [--tenants N] [--concurrency N] [--rows N] [--writers N] [--keep]

  --tenants N      tenants onboarded per tier (default 1000)
  --concurrency N  provisioning worker slots (default 4)
  --rows N         tasks of the tenant moved between tiers (default 100000)
  --writers N      concurrent writers of the moving tenant (default 3)
  --keep           keep the scratch database tk_bench_ops`;

/**
 * Operations benchmark: onboarding throughput per tier through the provisioning queue, and an
 * online tier move of a large tenant under concurrent writes (its own and a neighbour's in the
 * same pooled hash bucket), reporting the longest lock wait and the writers' latency.
 */
export async function runOpsBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      tenants: { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '4' },
      rows: { type: 'string', default: '100000' },
      writers: { type: 'string', default: '3' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  const tenants = Number(values.tenants);
  const concurrency = Number(values.concurrency);
  const rows = Number(values.rows);
  const writers = Number(values.writers);
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const keyPrefix = `bench-ops:${randomBytes(4).toString('hex')}:`;
  const prefix = `${keyPrefix}bull`;

  console.error('==> scratch database tk_bench_ops (migrating)');
  const db = await createScratchDatabase('tk_bench_ops', { adminPoolMax: concurrency + 2 });
  const redis = new Redis(redisUrl);
  const jobs = new JobsClient({ redisUrl, prefix, admin: db.admin });
  const deps = {
    admin: db.admin,
    app: db.app,
    redis,
    keyPrefix,
    platformDomain: 'tenantkit.localhost',
    dns: wildcardDns,
    mail: { send: async () => {} },
  };
  try {
    const onboarding = [];
    for (const tier of ['pooled', 'dedicated'] as const) {
      console.error(`==> onboarding ${tenants} ${tier} tenants, ${concurrency} worker slots`);
      onboarding.push(
        await benchOnboarding({
          db,
          deps,
          jobs,
          redisUrl,
          prefix,
          tier,
          count: tenants,
          concurrency,
        }),
      );
    }
    console.error(`==> moving a tenant of ${rows} tasks between tiers, ${writers} writers`);
    const moves = await benchTierMove({ db, deps, rows, writers });

    console.log('\nOnboarding (provisioning jobs: tenant + leaves, roles, invitation, DNS, ready)');
    console.log(
      formatTable(
        ['tier', 'tenants', 'slots', 'seconds', 'tenants/s', 'failed'],
        onboarding.map((o) => [o.tier, o.tenants, o.concurrency, o.seconds, o.perSecond, o.failed]),
      ),
    );
    console.log(`\nOnline tier move of ${rows} tasks under concurrent writes (ms unless stated)`);
    console.log(
      formatTable(
        [
          'direction',
          'seconds',
          'batches',
          'lock retries',
          'longest lock wait',
          'writes paused',
          'own writes max',
          'own p99',
          'neighbour max',
          'neighbour p99',
          'late rows',
          'lost',
        ],
        moves.map((m) => [
          m.direction,
          m.seconds,
          m.report.batches,
          m.report.lockTimeoutsRetried,
          m.report.longestLockWaitMs,
          m.report.writesPausedMs,
          m.tenantWrites.max,
          m.tenantWrites.p99,
          m.neighbourWrites.max,
          m.neighbourWrites.p99,
          m.report.sweptLateRows,
          m.lost,
        ]),
      ),
    );
    console.log(
      '\n(longest lock wait: the move waiting for its own locks; writes paused: how long the\n' +
        " switch held the tenant's source (and, from pooled, its hash bucket) against writes;\n" +
        ' own/neighbour: insert latency of the moving tenant and of a tenant in the same bucket)\n',
    );
    printJsonLines([
      ...onboarding.map((o) => ({
        bench: 'ops',
        case: `onboard-${o.tier}`,
        tenants: o.tenants,
        concurrency: o.concurrency,
        seconds: round(o.seconds),
        tenantsPerSecond: round(o.perSecond),
        failed: o.failed,
      })),
      ...moves.map((m) => ({
        bench: 'ops',
        case: `move ${m.direction}`,
        rows: m.rows,
        seconds: round(m.seconds),
        batches: m.report.batches,
        lockRetries: m.report.lockTimeoutsRetried,
        longestLockWaitMs: round(m.report.longestLockWaitMs),
        writesPausedMs: round(m.report.writesPausedMs),
        ownWriteMaxMs: round(m.tenantWrites.max),
        ownWriteP99Ms: round(m.tenantWrites.p99),
        ownWrites: m.tenantWrites.count,
        ownWritesRefused: m.tenantWrites.refused,
        neighbourWriteMaxMs: round(m.neighbourWrites.max),
        neighbourWriteP99Ms: round(m.neighbourWrites.p99),
        lateRowsSwept: m.report.sweptLateRows,
        lostRows: m.lost,
      })),
    ]);
  } finally {
    await jobs.close();
    redis.disconnect();
    await db.finish({ keep: values.keep });
  }
}
