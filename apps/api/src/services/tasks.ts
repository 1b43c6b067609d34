import {
  isUuid,
  NotFoundError,
  schema,
  type TenantTx,
  tenantStatement,
  uuidv7,
  VersionConflictError,
  withTenant,
} from '@tenantkit/db';
import { and, eq, sql } from 'drizzle-orm';
import type postgres from 'postgres';
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
 * The hot path, in one round trip (`tenantStatement`): raw postgres.js rather than drizzle,
 * and a prepared statement for pooled tenants. The project's existence is only checked when
 * the page comes back empty, to tell "no tasks" from "no such project".
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
  const rows = await tenantStatement(ctx.db, tenant.id, (q) =>
    selectTaskPage(q, tenant, { ...input, after }),
  );
  if (rows.length === 0) {
    const exists = await withTenant(ctx.db, tenant.id, (tx) =>
      projectExists(tx, tenant.id, input.projectId),
    );
    if (!exists) throw new NotFoundError('project');
  }
  return toPage(rows, input.limit);
}

/**
 * A task as the list returns it: timestamps already as ISO 8601 UTC strings with
 * milliseconds (what `Date.prototype.toISOString` gives), formatted by PostgreSQL, so the
 * hot path parses and formats no dates in JavaScript.
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

const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const TASK_COLUMNS = `id, project_id as "projectId", title, done, version,
  to_char(created_at at time zone 'UTC', ${ISO_UTC}) as "createdAt",
  to_char(updated_at at time zone 'UTC', ${ISO_UTC}) as "updatedAt"`;

/**
 * Pooled tenants share one statement text, prepared once per connection. A dedicated
 * tenant's leaf is named in the text, so preparing it would leave one statement per tenant
 * on every connection; its values are inlined instead (each checked to be a UUID or an
 * integer), which lets the unnamed statement go out with the others rather than wait for a
 * Parse/Describe answer.
 */
function selectTaskPage(
  q: postgres.ReservedSql,
  tenant: ServiceContext['tenant'],
  input: { projectId: string; limit: number; after?: string },
) {
  const limit = input.limit + 1;
  if (!Number.isInteger(limit) || limit < 1) throw new Error('page limit must be an integer');
  const afterClause = (value: string) => (input.after === undefined ? '' : `and id > ${value}`);
  if (tenant.tier === 'pooled') {
    const params = [tenant.id, input.projectId, limit, ...(input.after ? [input.after] : [])];
    return q.unsafe<TaskListItem[]>(
      `select ${TASK_COLUMNS} from tasks_pooled
       where tenant_id = $1 and project_id = $2 ${afterClause('$4')}
       order by id limit $3`,
      params,
      { prepare: true },
    );
  }
  const leaf = schema.dedicatedLeafName(tenant.id);
  return q.unsafe<TaskListItem[]>(
    `select ${TASK_COLUMNS} from ${leaf}
     where tenant_id = ${uuidLiteral(tenant.id)} and project_id = ${uuidLiteral(input.projectId)}
     ${afterClause(input.after === undefined ? '' : uuidLiteral(input.after))}
     order by id limit ${limit}`,
    [],
    { prepare: false },
  );
}

/** A quoted UUID for SQL text; anything that is not exactly a UUID never gets this far. */
function uuidLiteral(value: string): string {
  if (!isUuid(value)) throw new Error('not a UUID');
  return `'${value}'::uuid`;
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
