import { createTenant } from '@tenantkit/db';
import type { ScratchDatabase } from '../lib/scratch-db.ts';
import { type LatencySummary, summarizeLatencies } from '../lib/stats.ts';

/**
 * Onboarding cost per tier: `count` createTenant() calls, one after another (each is one
 * transaction on an admin connection), on a database already holding the bench's tenants.
 */
export async function timeTenantCreation(
  db: ScratchDatabase,
  tier: 'pooled' | 'dedicated',
  count: number,
  platformDomain: string,
): Promise<LatencySummary> {
  const durations: number[] = [];
  for (let i = 0; i < count; i++) {
    const slug = `onboard-${tier}-${String(i).padStart(4, '0')}`;
    const startedAt = performance.now();
    await createTenant({
      admin: db.admin.sql,
      input: { slug, name: `Onboarded ${slug}`, tier, platformDomain },
    });
    durations.push(performance.now() - startedAt);
  }
  return summarizeLatencies(durations);
}
