import { randomUUID } from 'node:crypto';
import type { Database, TenantRecord } from '@tenantkit/db';
import {
  asOwner,
  type LifecycleActor,
  type OnboardTenantInput,
  type TierMoveOptions,
} from '@tenantkit/lifecycle';
import { type Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { DEFAULT_JOB_OPTIONS, type QueueConnectionOptions, type QueueName } from './queues.ts';

export interface JobRef {
  queue: QueueName;
  id: string;
}

/**
 * What the ops app and the CLI use to start lifecycle jobs and follow them: enqueue returns a
 * reference, `wait` reports progress until the job completes (its return value) or fails.
 */
export class JobsClient {
  private readonly connection: Redis;
  private readonly queues = new Map<QueueName, Queue>();

  constructor(private readonly options: QueueConnectionOptions & { admin: Database }) {
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.connection,
        prefix: this.options.prefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * Onboards a tenant through the worker. The tenant id is fixed here (the existing one when
   * the slug is known, so asking twice resumes the same onboarding instead of starting another).
   */
  async enqueueOnboarding(
    input: Omit<OnboardTenantInput, 'tenantId'>,
    actor: LifecycleActor,
  ): Promise<JobRef & { tenantId: string }> {
    const [existing] = await asOwner(
      this.options.admin,
      (tx) => tx<{ id: string }[]>`select id from tenants where slug = ${input.slug}`,
    );
    const tenantId = existing?.id ?? randomUUID();
    const id = `onboard-${tenantId}`;
    await this.queue('provisioning').add(
      'onboard-tenant',
      { ...input, tenantId, actor },
      { jobId: id },
    );
    return { queue: 'provisioning', id, tenantId };
  }

  async enqueueTierMove(
    tenantId: string,
    to: TenantRecord['tier'],
    actor: LifecycleActor,
    options?: TierMoveOptions,
  ): Promise<JobRef> {
    const job = await this.queue('provisioning').add('move-tier', { tenantId, to, actor, options });
    return { queue: 'provisioning', id: String(job.id) };
  }

  /** The purge of a tenant whose deletion was requested, due at `purgeAfter`. */
  async schedulePurge(tenantId: string, purgeAfter: Date): Promise<JobRef> {
    const id = `purge-${tenantId}`;
    await this.queue('maintenance').add(
      'purge-tenant',
      { tenantId },
      { jobId: id, delay: Math.max(0, purgeAfter.getTime() - Date.now()) },
    );
    return { queue: 'maintenance', id };
  }

  /** Runs a scheduled purge now (the grace period is still checked by the purge itself). */
  async promotePurge(tenantId: string): Promise<void> {
    const job = await this.queue('maintenance').getJob(`purge-${tenantId}`);
    if ((await job?.getState()) === 'delayed') await job?.promote();
  }

  async cancelPurge(tenantId: string): Promise<void> {
    await this.queue('maintenance').remove(`purge-${tenantId}`);
  }

  /** Follows a job to its end; resolves with its return value, rejects with its failure. */
  async wait<T = unknown>(
    ref: JobRef,
    {
      onProgress,
      timeoutMs = 10 * 60_000,
    }: { onProgress?: (p: unknown) => void; timeoutMs?: number } = {},
  ): Promise<T> {
    const events = new QueueEvents(ref.queue, {
      connection: new Redis(this.options.redisUrl, { maxRetriesPerRequest: null }),
      prefix: this.options.prefix,
    });
    const listener = ({ jobId, data }: { jobId: string; data: unknown }) => {
      if (jobId === ref.id) onProgress?.(data);
    };
    events.on('progress', listener);
    try {
      await events.waitUntilReady();
      const job: Job | undefined = await this.queue(ref.queue).getJob(ref.id);
      if (!job) throw new Error(`job ${ref.queue}/${ref.id} not found`);
      return (await job.waitUntilFinished(events, timeoutMs)) as T;
    } finally {
      events.off('progress', listener);
      await events.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.connection.quit().catch(() => {});
  }
}
