import { eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { uuidv7 } from '../ids.ts';
import { projects, tasksRelationFor } from '../schema/index.ts';
import { withTenant } from '../with-tenant.ts';
import { createTenant, type TenantRecord } from './create-tenant.ts';
import type { TenantManifest } from './manifest.ts';

/**
 * Creates the tenant of a manifest and, the first time only, its demo projects and tasks.
 * Demo rows are written through `withTenant` as the runtime role, like any request would.
 */
export async function seedTenant({
  admin,
  app,
  manifest,
  platformDomain,
}: {
  admin: Database;
  app: Database;
  manifest: TenantManifest;
  platformDomain: string;
}): Promise<{ tenant: TenantRecord; created: boolean; projects: number }> {
  const { tenant, created } = await createTenant({
    admin: admin.sql,
    input: { ...manifest, platformDomain },
  });
  const demo = manifest.demo?.projects ?? [];
  const written = await withTenant(app, tenant.id, async (tx) => {
    const existing = await tx
      .select({ id: projects.id })
      .from(projects)
      .where(eq(projects.tenantId, tenant.id))
      .limit(1);
    if (existing.length > 0 || demo.length === 0) return 0;
    const tasks = tasksRelationFor(tenant);
    for (const project of demo) {
      const projectId = uuidv7();
      await tx.insert(projects).values({
        tenantId: tenant.id,
        id: projectId,
        name: project.name,
        description: project.description,
      });
      if (project.tasks.length > 0) {
        await tx
          .insert(tasks)
          .values(
            project.tasks.map((title) => ({ tenantId: tenant.id, id: uuidv7(), projectId, title })),
          );
      }
    }
    return demo.length;
  });
  return { tenant, created, projects: written };
}
