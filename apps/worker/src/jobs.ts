import type { Database, TenantTx } from '@tenantkit/db';
import { isUuid, withTenant } from '@tenantkit/db';
import type { DomainsDeps } from '@tenantkit/domains';
import type { LifecycleDeps } from '@tenantkit/lifecycle';
import { type Job, UnrecoverableError } from 'bullmq';
import type { QueueName } from './queues.ts';

/** Every tenant job names its tenant; the processor's tenant work runs under its RLS context. */
export interface TenantJobData {
  tenantId: string;
}

export interface WorkerDeps extends LifecycleDeps {
  /** Adds follow-up jobs (fan-out, delayed purges). */
  enqueue(
    queue: QueueName,
    name: string,
    data: object,
    opts?: { jobId?: string; delay?: number },
  ): Promise<void>;
  deletionGraceMs: number;
  /** Custom-domain jobs' dependencies; without them the domain processors are not registered. */
  domains?: DomainsDeps;
}

export interface TenantJobContext<D extends TenantJobData> {
  job: Job<D>;
  data: D;
  tenantId: string;
  deps: WorkerDeps;
  /** `withTenant` for this job's tenant, on the runtime role: RLS applies to jobs. */
  inTenant<T>(fn: (tx: TenantTx) => Promise<T>): Promise<T>;
}

export interface PlatformJobContext<D> {
  job: Job<D>;
  data: D;
  deps: WorkerDeps;
}

export type TenantJobHandler<D extends TenantJobData = TenantJobData> = (
  ctx: TenantJobContext<D>,
) => Promise<unknown>;
export type PlatformJobHandler<D = unknown> = (ctx: PlatformJobContext<D>) => Promise<unknown>;

type Entry =
  | { scope: 'tenant'; handler: TenantJobHandler<TenantJobData> }
  | { scope: 'platform'; handler: PlatformJobHandler<unknown> };

/**
 * Which function handles which job. The domains helper's processors (exported by
 * packages/domains) are registered here by the app that starts the worker:
 *
 * @example
 * ```ts
 * const registry = defaultRegistry();
 * registry.tenant('domains', 'verify-domain', (ctx) => verifyDomain({ ...ctx }));
 * await startWorkers({ deps, registry, ... });
 * ```
 */
export class ProcessorRegistry {
  private readonly entries = new Map<string, Entry>();

  /** A job of one tenant: `data.tenantId` is required and checked before the handler runs. */
  tenant<D extends TenantJobData>(queue: QueueName, name: string, handler: TenantJobHandler<D>) {
    this.add(queue, name, { scope: 'tenant', handler: handler as TenantJobHandler<TenantJobData> });
    return this;
  }

  /** A job of the platform (schedules that fan out to tenant jobs); no tenant context. */
  platform<D>(queue: QueueName, name: string, handler: PlatformJobHandler<D>) {
    this.add(queue, name, { scope: 'platform', handler: handler as PlatformJobHandler<unknown> });
    return this;
  }

  has(queue: QueueName, name: string): boolean {
    return this.entries.has(`${queue}/${name}`);
  }

  queues(): QueueName[] {
    return [...new Set([...this.entries.keys()].map((k) => k.split('/')[0] as QueueName))];
  }

  /** The BullMQ processor of one queue. */
  processorFor(queue: QueueName, deps: WorkerDeps, app: Database) {
    return async (job: Job) => {
      const entry = this.entries.get(`${queue}/${job.name}`);
      if (!entry) throw new UnrecoverableError(`no processor for ${queue}/${job.name}`);
      if (entry.scope === 'platform') return entry.handler({ job, data: job.data, deps });
      const tenantId = (job.data as Partial<TenantJobData> | undefined)?.tenantId;
      if (typeof tenantId !== 'string' || !isUuid(tenantId)) {
        throw new UnrecoverableError(`${queue}/${job.name}: job data has no tenantId`);
      }
      return entry.handler({
        job: job as Job<TenantJobData>,
        data: job.data as TenantJobData,
        tenantId,
        deps,
        inTenant: (fn) => withTenant(app, tenantId, fn),
      });
    };
  }

  private add(queue: QueueName, name: string, entry: Entry) {
    const key = `${queue}/${name}`;
    if (this.entries.has(key)) throw new Error(`processor ${key} registered twice`);
    this.entries.set(key, entry);
  }
}
