import { boolean, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { TenantTier } from './tenants.ts';

export const projects = pgTable(
  'projects',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** One definition for every physical tasks relation (both parents and each dedicated leaf). */
function tasksTable(name: string) {
  return pgTable(
    name,
    {
      tenantId: uuid('tenant_id').notNull(),
      id: uuid('id').notNull(),
      projectId: uuid('project_id').notNull(),
      title: text('title').notNull(),
      done: boolean('done').notNull().default(false),
      version: integer('version').notNull().default(1),
      createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
      updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    },
    (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
  );
}
export type TasksTable = ReturnType<typeof tasksTable>;

export const tasksPooled = tasksTable('tasks_pooled');
export const tasksDedicated = tasksTable('tasks_dedicated');

export function dedicatedLeafName(tenantId: string): string {
  return `tasks_t_${tenantId.replaceAll('-', '')}`;
}

const leaves = new Map<string, TasksTable>();

/**
 * The relation a tenant's tasks are read from (docs/adr/0001): pooled tenants through the
 * 16-bucket hash parent, dedicated tenants straight from their own leaf, so planning cost
 * never depends on how many tenants exist.
 */
export function tasksRelationFor(tenant: { id: string; tier: TenantTier }): TasksTable {
  if (tenant.tier === 'pooled') return tasksPooled;
  const name = dedicatedLeafName(tenant.id);
  let leaf = leaves.get(name);
  if (!leaf) {
    // Table objects are cheap to rebuild; the cap keeps memory flat at 100,000 tenants.
    if (leaves.size >= 10_000) leaves.clear();
    leaf = tasksTable(name);
    leaves.set(name, leaf);
  }
  return leaf;
}
