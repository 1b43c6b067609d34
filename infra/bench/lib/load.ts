import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './paths.ts';
import type { LatencySummary } from './stats.ts';

/** One request shape: the Host header picks the tenant, the path the project. */
export interface Target {
  host: string;
  path: string;
  /** Sent with every request to this target (a credential, when routes require one). */
  headers?: Record<string, string>;
}

export interface LoadRequest {
  /** Always a 127.0.0.1 address of a server this run started. */
  url: string;
  targets: Target[];
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  duration: number;
  /** Send exactly this many requests (at least `connections`), then stop. */
  amount?: number;
  /** `random`: each request picks a target uniformly; `sequential`: round-robin. */
  order: 'random' | 'sequential';
}

export interface LoadResult {
  completed: number;
  seconds: number;
  latency: LatencySummary;
  /** Responses by status code. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** CPU the load generator itself used during the run. */
  generatorCpuSeconds: number;
}

const workerPath = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

/**
 * Runs autocannon in a forked process against `url` and returns what it measured. The run
 * stops by itself (duration or amount); a worker that overruns by a minute is killed.
 */
export async function generateLoad(request: LoadRequest): Promise<LoadResult> {
  const host = new URL(request.url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') {
    throw new Error(`load is only ever sent to this machine, not to ${host}`);
  }
  const worker = fork(workerPath, [], {
    execArgv: ['--import', 'tsx'],
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const limitMs = (request.amount ? 120 : request.duration) * 1000 + 60_000;
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        worker.kill('SIGKILL');
        reject(new Error(`load generator did not finish within ${limitMs} ms`));
      }, limitMs);
      worker.once('message', (result) => {
        clearTimeout(timer);
        resolve(result as LoadResult);
      });
      worker.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`load generator exited with ${code} before answering`));
      });
      worker.send(request);
    });
  } finally {
    if (worker.exitCode === null) worker.kill();
  }
}

/** Requests per second of a finished run. */
export const requestsPerSecond = (result: LoadResult): number => result.completed / result.seconds;

/** Responses that were not 2xx, plus socket errors and timeouts: anything above 0 is a bug. */
export function failures(result: LoadResult): number {
  let bad = result.errors + result.timeouts;
  for (const [status, count] of Object.entries(result.statuses)) {
    if (!status.startsWith('2')) bad += count;
  }
  return bad;
}
