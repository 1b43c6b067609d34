export { type JobRef, JobsClient } from './client.ts';
export {
  type PlatformJobContext,
  type PlatformJobHandler,
  ProcessorRegistry,
  type TenantJobContext,
  type TenantJobData,
  type TenantJobHandler,
  type WorkerDeps,
} from './jobs.ts';
export type { MoveTierJobData, OnboardJobData } from './processors/provisioning.ts';
export {
  DEFAULT_JOB_OPTIONS,
  QUEUE_NAMES,
  type QueueConnectionOptions,
  type QueueName,
} from './queues.ts';
export { defaultRegistry } from './registry.ts';
export { type RunningWorkers, type StartWorkersOptions, startWorkers } from './runtime.ts';
