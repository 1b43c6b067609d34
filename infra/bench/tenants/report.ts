import type { Figures } from '../lib/measure.ts';
import type { CommonOptions } from '../lib/options.ts';
import { CPU_NOTE, formatTable, printJsonLines } from '../lib/report.ts';
import { type LatencySummary, round } from '../lib/stats.ts';

export interface CaseRow extends Figures {
  pct: number;
  tenants: number;
  dedicated: number;
  targets: number;
  loadSeconds: number;
  /** The first round, right after the process started and primed. */
  cold: { rps: number; p50: number };
}

export interface CreationRow extends LatencySummary {
  pct: number;
  tenantsBefore: number;
  tier: 'pooled' | 'dedicated';
  count: number;
}

/** At the largest size, against the smallest of the same share. */
const TARGET = { p50Max: 1.2, rpsMin: 0.85 };

export function report(cases: CaseRow[], creations: CreationRow[], options: CommonOptions): void {
  const json: object[] = [];
  const verdicts: {
    pct: number;
    tenants: number;
    ratioRps: number;
    ratioP50: number;
    pass: boolean;
  }[] = [];
  const rows = cases.map((c) => {
    const base = cases.find((b) => b.pct === c.pct);
    const ratioRps = base ? c.rps / base.rps : Number.NaN;
    const ratioP50 = base ? c.p50 / base.p50 : Number.NaN;
    const largest = Math.max(...cases.filter((o) => o.pct === c.pct).map((o) => o.tenants));
    const judged = c.tenants === largest && base !== c;
    const pass = ratioRps >= TARGET.rpsMin && ratioP50 <= TARGET.p50Max;
    if (judged) verdicts.push({ pct: c.pct, tenants: c.tenants, ratioRps, ratioP50, pass });
    json.push({
      bench: 'tenants',
      case: `n=${c.tenants}/dedicated=${c.pct}%`,
      tenants: c.tenants,
      dedicated_pct: c.pct,
      dedicated_tenants: c.dedicated,
      rps: round(c.rps, 1),
      p50_ms: round(c.p50, 3),
      p99_ms: round(c.p99, 3),
      requests: c.requests,
      ratio_rps: round(ratioRps, 3),
      ratio_p50: round(ratioP50, 3),
      load_s: round(c.loadSeconds, 1),
      cold_rps: round(c.cold.rps, 1),
      cold_p50_ms: round(c.cold.p50, 3),
      server_cpu_ms_per_req: round(c.serverMs, 4),
      db_cpu_ms_per_req: round(c.databaseMs, 4),
      machine_share: round(c.machineShare, 3),
    });
    return [
      `${c.pct}%`,
      c.tenants,
      c.dedicated,
      c.targets,
      round(c.loadSeconds, 1),
      round(c.cold.rps, 0),
      round(c.cold.p50),
      round(c.rps, 0),
      round(c.p50),
      round(c.p99),
      round(ratioRps, 3),
      round(ratioP50, 3),
      round(c.serverMs, 3),
      round(c.databaseMs, 3),
      `${round(c.machineShare * 100, 0)}%`,
      judged ? (pass ? 'yes' : 'NO') : '',
    ];
  });
  const creationRows = creations.map((c) => {
    json.push({
      bench: 'tenants',
      case: 'create',
      dedicated_pct: c.pct,
      tenants_before: c.tenantsBefore,
      tier: c.tier,
      count: c.count,
      ms_per_tenant: round(c.mean, 2),
      p50_ms: round(c.p50, 2),
      p99_ms: round(c.p99, 2),
    });
    return [
      `${c.pct}%`,
      c.tenantsBefore,
      c.tier,
      c.count,
      round(c.mean),
      round(c.p50),
      round(c.p99),
    ];
  });
  json.push({
    bench: 'tenants',
    ratio_rps_min: round(Math.min(...verdicts.map((v) => v.ratioRps)), 3),
    ratio_p50_max: round(Math.max(...verdicts.map((v) => v.ratioP50)), 3),
    target: { rps_min: TARGET.rpsMin, p50_max: TARGET.p50Max },
    pass: verdicts.length > 0 && verdicts.every((v) => v.pass),
  });

  console.log(
    `\ntenants: GET /v1/projects/{id}/tasks through the api, uniform over all tenants' projects, ` +
      `${options.connections} connections, ${options.duration} s per case, pool ${options.poolMax}\n`,
  );
  console.log(
    formatTable(
      [
        'dedicated',
        'tenants',
        'dedicated n',
        'targets',
        'load s',
        'cold req/s',
        'cold p50',
        'req/s',
        'p50 ms',
        'p99 ms',
        'rps x',
        'p50 x',
        'node ms/req',
        'pg ms/req',
        'cpu',
        'pass',
      ],
      rows,
    ),
  );
  console.log(
    `\n(x = against the smallest tenant count of the same share; pass: rps x >= ${TARGET.rpsMin} ` +
      `and p50 x <= ${TARGET.p50Max} at the largest count)\n` +
      '(cold: the first round of a fresh process and pool, right after priming every tenant once;\n' +
      ' req/s, p50, p99, x and pass: the median of the later rounds, the steady state)',
  );
  console.log(`${CPU_NOTE}\n`);
  console.log(
    formatTable(
      ['dedicated', 'tenants before', 'createTenant()', 'calls', 'mean ms', 'p50 ms', 'p99 ms'],
      creationRows,
    ),
  );
  console.log('');
  printJsonLines(json);
}
