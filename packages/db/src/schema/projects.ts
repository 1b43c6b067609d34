import { boolean, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantPartitioned } from './partitioned.ts';

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

const tasks = tenantPartitioned('tasks', tasksTable);
export const tasksPooled = tasks.pooled;
export const tasksDedicated = tasks.dedicated;
export const tasksRelationFor = tasks.relationFor;
