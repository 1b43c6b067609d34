import {
  NotFoundError,
  schema,
  type TenantTx,
  uuidv7,
  VersionConflictError,
  withTenant,
} from '@tenantkit/db';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
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
 * The hot path: one pipelined round trip plus commit. The project's existence is only
 * checked when the page comes back empty, to tell "no tasks" from "no such project".
 */
export async function listTasks({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { projectId: string; limit: number; cursor?: string };
}): Promise<Page<Task>> {
  const { tenant } = ctx;
  const tasks = tasksRelationFor(tenant);
  const after = decodeCursor(input.cursor);
  const rows = await withTenant(ctx.db, tenant.id, async (tx) => {
    const page = await tx
      .select()
      .from(tasks)
      .where(
        and(
          eq(tasks.tenantId, tenant.id),
          eq(tasks.projectId, input.projectId),
          after ? gt(tasks.id, after) : undefined,
        ),
      )
      .orderBy(asc(tasks.id))
      .limit(input.limit + 1);
    if (page.length === 0 && !(await projectExists(tx, tenant.id, input.projectId))) {
      throw new NotFoundError('project');
    }
    return page;
  });
  return toPage(rows, input.limit);
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
