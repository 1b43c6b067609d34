import { createTenant, uuidv7 } from '@tenantkit/db';
import { signInReader } from '../lib/credentials.ts';
import { type FixtureTenant, insertProjectsAndTasks, tasksRelation } from '../lib/fixtures.ts';
import type { Target } from '../lib/load.ts';
import type { ScratchDatabase } from '../lib/scratch-db.ts';
import type { BareRoute } from '../servers/bare.ts';

export type Tier = 'pooled' | 'dedicated';
export const TIERS: readonly Tier[] = ['pooled', 'dedicated'];

export interface ApiFixtures {
  /** The tenant each tier's case requests: its host and its one project's task list. */
  targets: Record<Tier, Target>;
  /** Host -> (tenant id, relation) for the bare baseline. */
  routes: Record<string, BareRoute>;
}

const TENANTS_PER_TIER = 3;
const TASKS_PER_PROJECT = 50;

/**
 * A handful of tenants (3 pooled, 3 dedicated, created with createTenant like onboarding
 * does), each with one project of 50 tasks and a signed-in read-only member. The first tenant of each tier is the one measured;
 * the others make sure its rows are not alone in their relation.
 */
export async function seedApiFixtures(
  db: ScratchDatabase,
  platformDomain: string,
): Promise<ApiFixtures> {
  const seeded: (FixtureTenant & { host: string; headers: Record<string, string> })[] = [];
  for (const tier of TIERS) {
    for (let i = 1; i <= TENANTS_PER_TIER; i++) {
      const slug = `bench-${tier}-${i}`;
      const { tenant } = await createTenant({
        admin: db.admin.sql,
        input: { slug, name: `Bench ${tier} ${i}`, tier, platformDomain },
      });
      seeded.push({
        id: tenant.id,
        tier,
        projectIds: [uuidv7()],
        host: `${slug}.${platformDomain}`,
        headers: await signInReader(db.app, tenant),
      });
    }
  }
  await db.admin.sql.begin((tx) => insertProjectsAndTasks(tx, seeded, TASKS_PER_PROJECT));
  await db.admin.sql`analyze projects, tasks_pooled, tasks_dedicated`;

  const targetOf = (tier: Tier): Target => {
    const tenant = seeded.find((t) => t.tier === tier);
    if (!tenant?.projectIds[0]) throw new Error(`no ${tier} tenant seeded`);
    return {
      host: tenant.host,
      path: `/v1/projects/${tenant.projectIds[0]}/tasks`,
      headers: tenant.headers,
    };
  };
  return {
    targets: { pooled: targetOf('pooled'), dedicated: targetOf('dedicated') },
    routes: Object.fromEntries(
      seeded.map((t) => [t.host, { tenantId: t.id, relation: tasksRelation(t) }]),
    ),
  };
}
