import { figures, type Measured } from '../lib/measure.ts';
import type { CommonOptions } from '../lib/options.ts';
import { type Cell, CPU_NOTE, formatTable, printJsonLines } from '../lib/report.ts';
import { round } from '../lib/stats.ts';
import { argon2Params, type LoginThroughput } from './logins.ts';

/** An authenticated request must keep at least this share of the unauthenticated throughput. */
const TARGET_RATIO = 0.9;

export function report(
  names: string[],
  results: Map<string, Measured[]>,
  logins: LoginThroughput[],
  options: CommonOptions & { rounds: number },
): void {
  const json: object[] = [];
  const rows: Cell[][] = [];
  const [baselineName] = names;
  const base = figures(results.get(baselineName ?? '') ?? []);
  const verdicts: boolean[] = [];
  for (const name of names) {
    const f = figures(results.get(name) ?? []);
    const ratio = f.rps / base.rps;
    // What authenticating costs the server per request, beyond the same request without it.
    const authCpuMs = f.serverMs - base.serverMs;
    const isBaseline = name === baselineName;
    if (!isBaseline) verdicts.push(ratio >= TARGET_RATIO);
    rows.push([
      name,
      round(f.rps, 0),
      round(f.p50),
      round(f.p99),
      round(ratio, 3),
      round(f.serverMs, 3),
      isBaseline ? '' : round(authCpuMs, 3),
      isBaseline ? '' : round(f.p50 - base.p50, 3),
      round(f.databaseMs, 3),
      f.requests,
      f.failures,
      `${round(f.machineShare * 100, 0)}%`,
    ]);
    json.push({
      bench: 'auth',
      case: name,
      rps: round(f.rps, 1),
      p50_ms: round(f.p50, 3),
      p99_ms: round(f.p99, 3),
      requests: f.requests,
      server_cpu_ms_per_req: round(f.serverMs, 4),
      db_cpu_ms_per_req: round(f.databaseMs, 4),
      machine_share: round(f.machineShare, 3),
      ...(isBaseline
        ? {}
        : {
            ratio_rps: round(ratio, 3),
            auth_cpu_ms_per_req: round(authCpuMs, 4),
            target: TARGET_RATIO,
            pass: ratio >= TARGET_RATIO,
          }),
    });
  }
  for (const l of logins) {
    json.push({
      bench: 'auth',
      case: 'password-login',
      argon2: argon2Params(),
      parallel: l.parallel,
      logins_per_s: round(l.perSecond, 1),
      ms_each: round(l.msEach, 1),
    });
  }
  json.push({ bench: 'auth', target: TARGET_RATIO, pass: verdicts.every(Boolean) });

  console.log(
    `\nauth: GET /v1/projects/{id}/tasks per credential vs the same route unauthenticated ` +
      `(${baselineName}), one server, ${options.connections} connections, ${options.duration} s ` +
      `per case after ${options.warmup} s warm-up, pool ${options.poolMax}, ${options.rounds} round(s)\n`,
  );
  console.log(
    formatTable(
      [
        'case',
        'req/s',
        'p50 ms',
        'p99 ms',
        `x ${baselineName}`,
        'node cpu ms/req',
        'auth cpu ms/req',
        'auth p50 ms',
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
    '(auth cpu / auth p50: node CPU and median latency per request above the unauthenticated\n' +
      ' route: what validating the credential, loading permissions and the rate limits cost)',
  );
  console.log(
    `\npassword sign-in (${argon2Params()}): ` +
      logins
        .map(
          (l) =>
            `${round(l.perSecond, 1)}/s ${l.parallel} at a time (${round(l.msEach, 1)} ms each)`,
        )
        .join(', '),
  );
  console.log(
    `target: every credential >= ${TARGET_RATIO} x ${baselineName} req/s: ${verdicts.every(Boolean) ? 'yes' : 'NO'}\n`,
  );
  printJsonLines(json);
}
