import type { Database } from '@tenantkit/db';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { ProcessorRegistry, WorkerDeps } from './jobs.ts';
import { DOMAIN_SCAN_EVERY_MS, DOMAIN_SCAN_JOB } from './processors/domains.ts';
import { SESSION_SWEEP_EVERY_MS } from './processors/maintenance.ts';
import { DEFAULT_JOB_OPTIONS, type QueueConnectionOptions, type QueueName } from './queues.ts';

export interface StartWorkersOptions extends QueueConnectionOptions {
  deps: Omit<WorkerDeps, 'enqueue'>;
  app: Database;
  registry: ProcessorRegistry;
  concurrency?: number;
  /** How long a job's lock lives without renewal: a killed worker's job is retried after it. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Install the repeatable maintenance schedules (one process per deployment is enough). */
  schedules?: boolean;
  onFailed?: (queue: QueueName, jobName: string, error: Error) => void;
}

export interface RunningWorkers {
  workers: Worker[];
  /**
   * Stops taking jobs and waits up to `graceMs` for in-flight ones to finish. Jobs still
   * running then are abandoned without being marked failed: their locks lapse and another
   * worker picks them up as stalled, which every processor's idempotent steps allow. The
   * process should exit after an undrained close (its abandoned processors still run).
   */
  close(graceMs: number): Promise<{ drained: boolean }>;
}

export async function startWorkers(options: StartWorkersOptions): Promise<RunningWorkers> {
  const { registry, redisUrl, prefix, app } = options;
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queues = new Map<QueueName, Queue>();
  const queue = (name: QueueName) => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
      queues.set(name, q);
    }
    return q;
  };
  const deps: WorkerDeps = {
    ...options.deps,
    async enqueue(name, jobName, data, opts) {
      await queue(name).add(jobName, data, opts);
    },
  };
  const workers = registry.queues().map((name) => {
    const worker = new Worker(name, registry.processorFor(name, deps, app), {
      connection: new Redis(redisUrl, { maxRetriesPerRequest: null }),
      prefix,
      concurrency: options.concurrency ?? 4,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: 3,
    });
    worker.on('failed', (job, error) => {
      if (job) options.onFailed?.(name, job.name, error);
    });
    // Redis errors are retried by ioredis; without a listener they would crash the process.
    worker.on('error', () => {});
    return worker;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  if (options.schedules) {
    await queue('maintenance').upsertJobScheduler(
      'expired-sessions',
      { every: SESSION_SWEEP_EVERY_MS },
      { name: 'sweep-expired-sessions', data: {} },
    );
    if (registry.has('domains', DOMAIN_SCAN_JOB)) {
      await queue('domains').upsertJobScheduler(
        'due-domains',
        { every: DOMAIN_SCAN_EVERY_MS },
        { name: DOMAIN_SCAN_JOB, data: {} },
      );
    }
  }
  return {
    workers,
    async close(graceMs) {
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        Promise.all(workers.map((w) => w.close())).then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
        }),
      ]);
      clearTimeout(timer);
      // BullMQ hands a second close() the first one's promise, so close(true) cannot cut the
      // wait short: drop the connections instead. Lock renewal stops, the locks lapse, and the
      // stalled-job check of any other worker moves the jobs back to the queue.
      if (!drained) await Promise.all(workers.map((w) => w.disconnect().catch(() => {})));
      await Promise.all([...queues.values()].map((q) => q.close()));
      await connection.quit().catch(() => {});
      return { drained };
    },
  };
}
