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

const { projects } = schema;
export type Project = typeof projects.$inferSelect;

export async function createProject({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { name: string; description?: string };
}): Promise<Project> {
  const { tenant } = ctx;
  return withTenant(ctx.db, tenant.id, async (tx) => {
    const [row] = await tx
      .insert(projects)
      .values({
        tenantId: tenant.id,
        id: uuidv7(),
        name: input.name,
        description: input.description ?? '',
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  });
}

export async function getProject({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { projectId: string };
}): Promise<Project> {
  const { tenant } = ctx;
  const [row] = await withTenant(ctx.db, tenant.id, (tx) =>
    tx
      .select()
      .from(projects)
      .where(and(eq(projects.tenantId, tenant.id), eq(projects.id, input.projectId))),
  );
  if (!row) throw new NotFoundError('project');
  return row;
}

export async function listProjects({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { limit: number; cursor?: string };
}): Promise<Page<Project>> {
  const { tenant } = ctx;
  const after = decodeCursor(input.cursor);
  const rows = await withTenant(ctx.db, tenant.id, (tx) =>
    tx
      .select()
      .from(projects)
      .where(and(eq(projects.tenantId, tenant.id), after ? gt(projects.id, after) : undefined))
      .orderBy(asc(projects.id))
      .limit(input.limit + 1),
  );
  return toPage(rows, input.limit);
}

export async function updateProject({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: {
    projectId: string;
    patch: { name?: string; description?: string };
    /** From If-Match: the write only happens if the row is still at this version. */
    expectedVersion?: number;
  };
}): Promise<Project> {
  const { tenant } = ctx;
  return withTenant(ctx.db, tenant.id, async (tx) => {
    const match = and(
      eq(projects.tenantId, tenant.id),
      eq(projects.id, input.projectId),
      input.expectedVersion === undefined ? undefined : eq(projects.version, input.expectedVersion),
    );
    const [row] = await tx
      .update(projects)
      .set({ ...input.patch, version: sql`${projects.version} + 1`, updatedAt: sql`now()` })
      .where(match)
      .returning();
    if (row) return row;
    throw await missOrConflict(tx, tenant.id, input.projectId);
  });
}

export async function deleteProject({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { projectId: string; expectedVersion?: number };
}): Promise<void> {
  const { tenant } = ctx;
  await withTenant(ctx.db, tenant.id, async (tx) => {
    const deleted = await tx
      .delete(projects)
      .where(
        and(
          eq(projects.tenantId, tenant.id),
          eq(projects.id, input.projectId),
          input.expectedVersion === undefined
            ? undefined
            : eq(projects.version, input.expectedVersion),
        ),
      )
      .returning({ id: projects.id });
    if (deleted.length === 0) throw await missOrConflict(tx, tenant.id, input.projectId);
  });
}

/** After a conditional write matched nothing: was the row gone, or at another version? */
async function missOrConflict(tx: TenantTx, tenantId: string, projectId: string): Promise<Error> {
  const [current] = await tx
    .select({ version: projects.version })
    .from(projects)
    .where(and(eq(projects.tenantId, tenantId), eq(projects.id, projectId)));
  return current
    ? new VersionConflictError('project', current.version)
    : new NotFoundError('project');
}
