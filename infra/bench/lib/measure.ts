import { cpuBetween, cpuSeconds, machineShare } from './cpu.ts';
import { failures, generateLoad, type LoadResult, requestsPerSecond, type Target } from './load.ts';
import { progress } from './options.ts';
import { median } from './stats.ts';

export interface MeasureOptions {
  duration: number;
  connections: number;
  warmup: number;
  /**
   * Hit each of these once, round-robin, before the warm-up: fills per-host caches (tenant
   * resolver, Redis) that a random warm-up of a few seconds would leave mostly cold at 10,000
   * hosts. Unset: no priming pass.
   */
  prime?: Target[];
  /** The processes serving the load, for the CPU figures of `Measured`. */
  servingPids?: () => Promise<{ server: number[]; database: number[] }>;
}

export interface Measured extends LoadResult {
  /** CPU of server + backends + load generator over cores x wall time; see cpu.ts. */
  machineShare: number | undefined;
  /**
   * CPU milliseconds per completed request, in the server process and in its database
   * backends: what a request costs, which competing load on the machine inflates far less
   * than it inflates requests/s or latency.
   */
  cpuPerRequestMs: { server: number; database: number } | undefined;
}

/** Priming, warm-up, then the measured run; each in a fresh load-generator process. */
export async function measure(
  label: string,
  url: string,
  targets: Target[],
  { duration, connections, warmup, prime, servingPids }: MeasureOptions,
): Promise<Measured> {
  if (prime && prime.length > 0) {
    progress(`${label}: priming ${prime.length} targets`);
    const primed = await generateLoad({
      url,
      targets: prime,
      connections,
      duration: 0,
      amount: prime.length,
      order: 'sequential',
    });
    check(`${label} (priming)`, primed);
  }
  if (warmup > 0) {
    progress(`${label}: warming up ${warmup} s`);
    check(
      `${label} (warm-up)`,
      await generateLoad({ url, targets, connections, duration: warmup, order: 'random' }),
    );
  }
  progress(
    `${label}: measuring ${duration} s, ${connections} connections, ${targets.length} targets`,
  );
  const pids = await servingPids?.();
  const all = pids ? [...pids.server, ...pids.database] : [];
  const before = await cpuSeconds(all);
  const result = await generateLoad({ url, targets, connections, duration, order: 'random' });
  const after = await cpuSeconds(all);
  check(label, result);
  if (!pids) return { ...result, machineShare: undefined, cpuPerRequestMs: undefined };
  const server = cpuBetween(pids.server, before, after);
  const database = cpuBetween(pids.database, before, after);
  const perRequest = (seconds: number) => (seconds * 1000) / Math.max(1, result.completed);
  return {
    ...result,
    machineShare: machineShare(server + database + result.generatorCpuSeconds, result.seconds),
    cpuPerRequestMs: { server: perRequest(server), database: perRequest(database) },
  };
}

/** A run with failed requests measured something other than the hot path: stop. */
function check(label: string, result: LoadResult): void {
  const bad = failures(result);
  if (bad > 0) {
    throw new Error(
      `${label}: ${bad} of ${result.completed} requests failed ` +
        `(statuses ${JSON.stringify(result.statuses)}, errors ${result.errors}, timeouts ${result.timeouts})`,
    );
  }
}

/** What a case reports: medians over its rounds, counts summed. */
export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
  /** Share of the machine's CPU the measured processes got (cpu.ts). */
  machineShare: number;
  /** CPU ms per request in the server process and in its database backends. */
  serverMs: number;
  databaseMs: number;
}

export function figures(runs: Measured[]): Figures {
  return {
    rps: median(runs.map(requestsPerSecond)),
    p50: median(runs.map((r) => r.latency.p50)),
    p99: median(runs.map((r) => r.latency.p99)),
    requests: runs.reduce((sum, r) => sum + r.completed, 0),
    failures: runs.reduce((sum, r) => sum + failures(r), 0),
    machineShare: median(runs.map((r) => r.machineShare ?? Number.NaN)),
    serverMs: median(runs.map((r) => r.cpuPerRequestMs?.server ?? Number.NaN)),
    databaseMs: median(runs.map((r) => r.cpuPerRequestMs?.database ?? Number.NaN)),
  };
}
