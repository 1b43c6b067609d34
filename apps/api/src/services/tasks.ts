import {
  type InlineSql,
  InvalidInputError,
  inlineSql,
  isoTimestamp,
  isUuid,
  NotFoundError,
  schema,
  sqlIdentifier,
  type TenantTx,
  tenantRead,
  uuidv7,
  VersionConflictError,
  withTenant,
} from '@tenantkit/db';
import { and, eq, sql } from 'drizzle-orm';
import type { ServiceContext } from './context.ts';
import { decodeCursor, type Page, toPage } from './pagination.ts';

const { projects, tasksRelationFor } = schema;
type TasksTable = schema.TasksTable;
export type Task = typeof schema.tasksPooled.$inferSelect;

const FOREIGN_KEY_VIOLATION = '23503';

export async function createTask({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { projectId: string; title: string; done?: boolean };
}): Promise<Task> {
  const { tenant } = ctx;
  const tasks = tasksRelationFor(tenant);
  try {
    return await withTenant(ctx.db, tenant.id, async (tx) => {
      const [row] = await tx
        .insert(tasks)
        .values({
          tenantId: tenant.id,
          id: uuidv7(),
          projectId: input.projectId,
          title: input.title,
          done: input.done ?? false,
        })
        .returning();
      if (!row) throw new Error('insert returned no row');
      return row;
    });
  } catch (error) {
    // The composite foreign key is what refuses another tenant's (or no) project.
    if (sqlState(error) === FOREIGN_KEY_VIOLATION) throw new NotFoundError('project');
    throw error;
  }
}

/** The SQLSTATE of a failed query; drizzle wraps the driver's error in `cause`. */
function sqlState(error: unknown): string | undefined {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  const state = typeof code === 'string' ? code : cause?.code;
  return typeof state === 'string' ? state : undefined;
}

export async function getTask({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { projectId: string; taskId: string };
}): Promise<Task> {
  const { tenant } = ctx;
  const tasks = tasksRelationFor(tenant);
  const [row] = await withTenant(ctx.db, tenant.id, (tx) =>
    tx
      .select()
      .from(tasks)
      .where(taskKey(tasks, tenant.id, input)),
  );
  if (!row) throw new NotFoundError('task');
  return row;
}

/**
 * The hot path: one simple-protocol message (`tenantRead`: SET LOCAL and the SELECT in one
 * implicit transaction), raw SQL rather than drizzle. The project's existence is only checked
 * when the page comes back empty, to tell "no tasks" from "no such project".
 */
export async function listTasks({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { projectId: string; limit: number; cursor?: string };
}): Promise<Page<TaskListItem>> {
  const { tenant } = ctx;
  const after = decodeCursor(input.cursor);
  const rows = await tenantRead<TaskListItem>(
    ctx.db,
    tenant.id,
    selectTaskPage(tenant, { ...input, after }),
  );
  for (const row of rows) {
    row.createdAt = isoTimestamp(row.createdAt);
    row.updatedAt = isoTimestamp(row.updatedAt);
  }
  if (rows.length === 0) {
    const exists = await withTenant(ctx.db, tenant.id, (tx) =>
      projectExists(tx, tenant.id, input.projectId),
    );
    if (!exists) throw new NotFoundError('project');
  }
  return toPage(rows, input.limit);
}

/**
 * A task as the list returns it: timestamps as ISO 8601 UTC strings with milliseconds (what
 * `Date.prototype.toISOString` gives, as on every other route), sliced from PostgreSQL's text.
 */
export interface TaskListItem {
  id: string;
  projectId: string;
  title: string;
  done: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

// Timestamps arrive as PostgreSQL's own text (the pool's drizzle instance installs
// pass-through parsers for them) and isoTimestamp slices that into ISO 8601: cheaper on both
// sides than to_char in PostgreSQL or Date objects in JavaScript.
const TASK_COLUMNS = inlineSql`id, project_id as "projectId", title, done, version,
  created_at as "createdAt", updated_at as "updatedAt"`;

/**
 * One page of a project's tasks from the tenant's relation (the shared pooled parent, or the
 * dedicated tenant's own leaf, by name), values inlined: ids are checked to be UUIDs first.
 */
function selectTaskPage(
  tenant: ServiceContext['tenant'],
  input: { projectId: string; limit: number; after?: string },
): InlineSql {
  const relation = sqlIdentifier(
    tenant.tier === 'pooled' ? 'tasks_pooled' : schema.dedicatedLeafName(tenant.id),
  );
  const after =
    input.after === undefined ? inlineSql`` : inlineSql`and id > ${uuid(input.after)}::uuid`;
  return inlineSql`select ${TASK_COLUMNS} from ${relation}
    where tenant_id = ${uuid(tenant.id)}::uuid and project_id = ${uuid(input.projectId)}::uuid ${after}
    order by id limit ${input.limit + 1}`;
}

/** Only exactly a UUID gets into the text (cursor ids included). */
function uuid(value: string): string {
  if (!isUuid(value)) throw new InvalidInputError('invalid-id', 'not a UUID');
  return value;
}

export async function updateTask({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: {
    projectId: string;
    taskId: string;
    patch: { title?: string; done?: boolean };
    expectedVersion?: number;
  };
}): Promise<Task> {
  const { tenant } = ctx;
  const tasks = tasksRelationFor(tenant);
  return withTenant(ctx.db, tenant.id, async (tx) => {
    const [row] = await tx
      .update(tasks)
      .set({ ...input.patch, version: sql`${tasks.version} + 1`, updatedAt: sql`now()` })
      .where(taskKey(tasks, tenant.id, input, input.expectedVersion))
      .returning();
    if (row) return row;
    throw await missOrConflict(tx, ctx, input);
  });
}

export async function deleteTask({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { projectId: string; taskId: string; expectedVersion?: number };
}): Promise<void> {
  const { tenant } = ctx;
  const tasks = tasksRelationFor(tenant);
  await withTenant(ctx.db, tenant.id, async (tx) => {
    const deleted = await tx
      .delete(tasks)
      .where(taskKey(tasks, tenant.id, input, input.expectedVersion))
      .returning({ id: tasks.id });
    if (deleted.length === 0) throw await missOrConflict(tx, ctx, input);
  });
}

async function projectExists(tx: TenantTx, tenantId: string, projectId: string): Promise<boolean> {
  const rows = await tx
    .select({ id: projects.id })
    .from(projects)
    .where(and(eq(projects.tenantId, tenantId), eq(projects.id, projectId)));
  return rows.length > 0;
}

async function missOrConflict(
  tx: TenantTx,
  ctx: ServiceContext,
  input: { projectId: string; taskId: string },
): Promise<Error> {
  const tasks = tasksRelationFor(ctx.tenant);
  const [current] = await tx
    .select({ version: tasks.version })
    .from(tasks)
    .where(taskKey(tasks, ctx.tenant.id, input));
  return current ? new VersionConflictError('task', current.version) : new NotFoundError('task');
}

/** One task of one tenant's project, optionally only at an expected version (If-Match). */
function taskKey(
  tasks: TasksTable,
  tenantId: string,
  input: { projectId: string; taskId: string },
  expectedVersion?: number,
) {
  return and(
    eq(tasks.tenantId, tenantId),
    eq(tasks.projectId, input.projectId),
    eq(tasks.id, input.taskId),
    expectedVersion === undefined ? undefined : eq(tasks.version, expectedVersion),
  );
}
