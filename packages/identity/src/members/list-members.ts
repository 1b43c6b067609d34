import { schema, withTenant } from '@tenantkit/db';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { AdminContext } from '../admin/context.ts';
import { assertPermitted } from '../rbac/index.ts';
import { type MemberView, toMemberViews } from './view.ts';

/**
 * A page of the tenant's members in id (creation) order, keyset-paginated: `afterId` is the
 * last id of the previous page. Returns up to `limit + 1` rows; the extra one only says that
 * another page exists.
 */
export async function listMembers({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: { limit: number; afterId?: string; status?: 'active' | 'deactivated' };
}): Promise<MemberView[]> {
  assertPermitted(ctx.principal.permissions, ['members:read']);
  const { users } = schema;
  return withTenant(ctx.deps.db, ctx.tenant.id, async (tx) => {
    const rows = await tx
      .select()
      .from(users)
      .where(
        and(
          eq(users.tenantId, ctx.tenant.id),
          input.afterId ? gt(users.id, input.afterId) : undefined,
          input.status ? eq(users.status, input.status) : undefined,
        ),
      )
      .orderBy(asc(users.id))
      .limit(input.limit + 1);
    return toMemberViews(tx, ctx.tenant, rows);
  });
}
