import type { LifecycleDeps } from '@tenantkit/lifecycle';
import { defaultRegistry, type JobsClient, startWorkers } from '@tenantkit/worker';
import type { ScratchDatabase } from '../lib/scratch-db.ts';

export interface OnboardingResult {
  tier: 'pooled' | 'dedicated';
  tenants: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
  failed: number;
}

/**
 * Onboards `count` tenants of one tier the production way: one provisioning job each, run by
 * an in-process worker with `concurrency` slots (tenant row + leaves, built-in roles, owner
 * invitation, DNS, announcement). Timed from the first enqueue to the last completion.
 */
export async function benchOnboarding({
  db,
  deps,
  jobs,
  redisUrl,
  prefix,
  tier,
  count,
  concurrency,
}: {
  db: ScratchDatabase;
  deps: LifecycleDeps;
  jobs: JobsClient;
  redisUrl: string;
  prefix: string;
  tier: 'pooled' | 'dedicated';
  count: number;
  concurrency: number;
}): Promise<OnboardingResult> {
  const running = await startWorkers({
    redisUrl,
    prefix,
    app: db.app,
    registry: defaultRegistry(),
    concurrency,
    deps: { ...deps, deletionGraceMs: 0 },
  });
  const queue = jobs.queue('provisioning');
  const startedAt = performance.now();
  for (let i = 0; i < count; i += 500) {
    const batch = Array.from({ length: Math.min(500, count - i) }, (_, j) => {
      const slug = `bench-${tier}-${String(i + j).padStart(5, '0')}`;
      const tenantId = crypto.randomUUID();
      return {
        name: 'onboard-tenant',
        data: {
          tenantId,
          slug,
          name: slug,
          tier,
          plan: 'free',
          ownerEmail: `owner@${slug}.test`,
          actor: { type: 'system', id: 'bench' },
        },
        opts: { jobId: `onboard-${tenantId}` },
      };
    });
    await queue.addBulk(batch);
  }
  let failed = 0;
  for (;;) {
    const counts = await queue.getJobCounts('completed', 'failed');
    failed = counts.failed ?? 0;
    if ((counts.completed ?? 0) + failed >= count) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - startedAt) / 1000;
  await running.close(5_000);
  await queue.obliterate({ force: true });
  return { tier, tenants: count, concurrency, seconds, perSecond: count / seconds, failed };
}
