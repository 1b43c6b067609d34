import { figures, type Measured } from '../lib/measure.ts';
import type { CommonOptions } from '../lib/options.ts';
import { type Cell, CPU_NOTE, formatTable, printJsonLines } from '../lib/report.ts';
import { round } from '../lib/stats.ts';
import { TIERS, type Tier } from './fixtures.ts';

/** The api must keep at least this share of the bare baseline's throughput. */
const TARGET_RATIO = 0.8;

export function report(
  names: string[],
  results: Map<string, Measured[]>,
  options: CommonOptions & { rounds: number },
): void {
  const json: object[] = [];
  const rows: Cell[][] = [];
  const ratioRows: Cell[][] = [];
  const verdicts: { tier: Tier; ratio: number; pass: boolean }[] = [];
  for (const tier of TIERS) {
    const byName = new Map(names.map((n) => [n, figures(results.get(`${n}/${tier}`) ?? [])]));
    const bare = byName.get('bare');
    for (const [name, f] of byName) {
      rows.push([
        name,
        tier,
        round(f.rps, 0),
        round(f.p50),
        round(f.p99),
        bare ? round(f.rps / bare.rps, 3) : '',
        round(f.serverMs, 3),
        round(f.databaseMs, 3),
        f.requests,
        f.failures,
        `${round(f.machineShare * 100, 0)}%`,
      ]);
      json.push({
        bench: 'api',
        case: name,
        tier,
        rps: round(f.rps, 1),
        p50_ms: round(f.p50, 3),
        p99_ms: round(f.p99, 3),
        requests: f.requests,
        connections: options.connections,
        duration_s: options.duration,
        pool_max: options.poolMax,
        rounds: options.rounds,
        server_cpu_ms_per_req: round(f.serverMs, 4),
        db_cpu_ms_per_req: round(f.databaseMs, 4),
        machine_share: round(f.machineShare, 3),
      });
    }
    const full = byName.get('full');
    // The baseline is the faster plain server: postgres.js unprepared, or with its defaults.
    const prepared = byName.get('bare/prepared');
    const best = prepared && bare && prepared.rps > bare.rps ? prepared : bare;
    if (!bare || !best || !full) continue;
    const ratio = full.rps / best.rps;
    const pass = ratio >= TARGET_RATIO;
    const noAuth = byName.get('full/no-auth');
    verdicts.push({ tier, ratio, pass });
    ratioRows.push([
      tier,
      best === bare ? 'bare' : 'bare/prepared',
      round(ratio, 3),
      round(full.rps / bare.rps, 3),
      noAuth ? round(noAuth.rps / best.rps, 3) : '',
      round(full.p50 / best.p50, 3),
      round(full.p99 / best.p99, 3),
      `>= ${TARGET_RATIO}`,
      pass ? 'yes' : 'NO',
    ]);
    json.push({
      bench: 'api',
      tier,
      baseline: best === bare ? 'bare' : 'bare/prepared',
      ratio_rps: round(ratio, 3),
      ratio_rps_unprepared_bare: round(full.rps / bare.rps, 3),
      ratio_rps_no_auth: noAuth ? round(noAuth.rps / best.rps, 3) : null,
      ratio_p50: round(full.p50 / best.p50, 3),
      target: TARGET_RATIO,
      pass,
    });
  }
  const worst = verdicts.reduce<(typeof verdicts)[number] | undefined>(
    (a, b) => (a && a.ratio <= b.ratio ? a : b),
    undefined,
  );
  json.push({
    bench: 'api',
    ratio_rps: worst ? round(worst.ratio, 3) : null,
    worst_tier: worst?.tier ?? null,
    target: TARGET_RATIO,
    pass: verdicts.length > 0 && verdicts.every((v) => v.pass),
  });

  console.log(
    `\napi: GET /v1/projects/{id}/tasks (a page of 20 of 50 tasks), ${options.connections} ` +
      `connections, ${options.duration} s per case after ${options.warmup} s warm-up, ` +
      `pool ${options.poolMax}, ${options.rounds} round(s)\n`,
  );
  console.log(
    formatTable(
      [
        'case',
        'tier',
        'req/s',
        'p50 ms',
        'p99 ms',
        'x bare',
        'node cpu ms/req',
        'pg cpu ms/req',
        'requests',
        'failed',
        'cpu',
      ],
      rows,
    ),
  );
  console.log(CPU_NOTE);
  console.log(
    '(bare: one autocommit SELECT with prepare: false; bare/prepared: the same with postgres.js\n' +
      ' defaults, a named statement whose generic plan PostgreSQL caches. The verdict compares\n' +
      ' full with the faster of the two.)',
  );
  console.log(
    '(full/no-auth: the same app and route with a fixed reader in place of apiGuard\n' +
      " (authentication, the /v1 rate limits), as `pnpm bench auth`'s baseline; not judged)",
  );
  if (names.includes('bare+tx')) {
    console.log(
      "(bare+tx: the bare server running withTenant's BEGIN + set_config + SELECT, then COMMIT,\n" +
        ' as the runtime role under RLS; bare+tx/prepared: the same with named prepared statements)',
    );
  }
  console.log('');
  console.log(
    formatTable(
      [
        'tier',
        'baseline',
        'full/baseline rps',
        'full/bare rps',
        'no-auth/baseline rps',
        'p50 x',
        'p99 x',
        'target',
        'pass',
      ],
      ratioRows,
    ),
  );
  console.log('');
  printJsonLines(json);
}
