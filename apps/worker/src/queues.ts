import type { DefaultJobOptions } from 'bullmq';

export const QUEUE_NAMES = ['provisioning', 'domains', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * Every job: retried with exponential backoff and jitter (retries of many tenants that failed
 * together do not come back together); failed jobs are kept for inspection in Bull Board;
 * completed ones are kept a week for progress queries, then trimmed.
 */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: false,
};

export interface QueueConnectionOptions {
  redisUrl: string;
  /** BullMQ key prefix (config QUEUE_PREFIX; per test file in tests). */
  prefix: string;
}
