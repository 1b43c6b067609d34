/**
 * The load generator: a child process of its own, so that it never shares an event loop with
 * the server it measures. Receives one `LoadRequest` over IPC, runs autocannon, answers with a
 * `LoadResult` and exits.
 *
 * Latencies are recorded here from autocannon's per-response event (float milliseconds):
 * autocannon's own histogram keeps whole milliseconds, too coarse for a 1.2x p50 target.
 */
import autocannon from 'autocannon';
import type { LoadRequest, LoadResult } from './load.ts';
import { summarizeLatencies } from './stats.ts';

process.once('message', (request: LoadRequest) => {
  run(request).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error: unknown) => {
      console.error('[load-worker]', error);
      process.exit(1);
    },
  );
});

function run({ url, targets, connections, duration, amount, order }: LoadRequest) {
  if (targets.length === 0) throw new Error('no targets');
  let next = 0;
  const pick =
    order === 'sequential'
      ? () => targets[next++ % targets.length]
      : () => targets[Math.floor(Math.random() * targets.length)];

  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const startedAt = performance.now();
  const cpuAtStart = process.cpuUsage();
  return new Promise<LoadResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        // With `amount` set autocannon ignores `duration`; the parent still bounds the run.
        duration,
        ...(amount ? { amount: Math.max(amount, connections) } : {}),
        requests: [
          {
            setupRequest: (request) => {
              const target = pick();
              if (!target) return request;
              return {
                ...request,
                path: target.path,
                headers: { ...request.headers, ...target.headers, host: target.host },
              };
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        const seconds = (performance.now() - startedAt) / 1000;
        const cpu = process.cpuUsage(cpuAtStart);
        resolve({
          generatorCpuSeconds: (cpu.user + cpu.system) / 1e6,
          completed: latencies.length,
          seconds,
          latency: summarizeLatencies(latencies),
          statuses,
          errors: result.errors,
          timeouts: result.timeouts,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, ms) => {
      latencies.push(ms);
      const key = String(statusCode);
      statuses[key] = (statuses[key] ?? 0) + 1;
    });
  });
}
