import { schema, uuidv7 } from '@tenantkit/db';
import type postgres from 'postgres';

export interface FixtureTenant {
  id: string;
  tier: 'pooled' | 'dedicated';
  projectIds: string[];
}

/** Where a tenant's tasks live: tasks_pooled, or its own leaf (docs/adr/0001). */
export const tasksRelation = (tenant: { id: string; tier: 'pooled' | 'dedicated' }): string =>
  tenant.tier === 'pooled' ? 'tasks_pooled' : schema.dedicatedLeafName(tenant.id);

/**
 * Writes the tenants' projects, then `tasksPerProject` tasks in each, straight into the
 * relation each tenant reads (one statement for all pooled tenants, one per dedicated leaf;
 * never an insert routed through tasks_dedicated, which would lock every leaf). Statements are
 * issued together so that they are pipelined on the transaction's connection.
 */
export async function insertProjectsAndTasks(
  sql: postgres.TransactionSql,
  tenants: FixtureTenant[],
  tasksPerProject: number,
): Promise<void> {
  const projects = tenants.flatMap((t) =>
    t.projectIds.map((id, i) => ({ tenant_id: t.id, id, name: `Project ${i + 1}` })),
  );
  await sql`
    insert into projects (tenant_id, id, name)
    select tenant_id, id, name
    from jsonb_to_recordset(${JSON.stringify(projects)}::jsonb) as r(tenant_id uuid, id uuid, name text)`;

  const pooled = tenants
    .filter((t) => t.tier === 'pooled')
    .flatMap((t) => tasksOf(t, tasksPerProject));
  const writes: Promise<unknown>[] = [];
  if (pooled.length > 0) writes.push(insertTasks(sql, 'tasks_pooled', pooled));
  for (const tenant of tenants.filter((t) => t.tier === 'dedicated')) {
    writes.push(insertTasks(sql, tasksRelation(tenant), tasksOf(tenant, tasksPerProject)));
  }
  await Promise.all(writes);
}

interface TaskRow {
  tenant_id: string;
  id: string;
  project_id: string;
  title: string;
}

function tasksOf(tenant: FixtureTenant, perProject: number): TaskRow[] {
  return tenant.projectIds.flatMap((projectId) =>
    Array.from({ length: perProject }, (_, i) => ({
      tenant_id: tenant.id,
      id: uuidv7(),
      project_id: projectId,
      title: `Task ${i + 1}`,
    })),
  );
}

function insertTasks(sql: postgres.TransactionSql, relation: string, rows: TaskRow[]) {
  return sql`
    insert into ${sql(relation)} (tenant_id, id, project_id, title)
    select tenant_id, id, project_id, title
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(tenant_id uuid, id uuid, project_id uuid, title text)`;
}
