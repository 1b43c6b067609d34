import { withTenant } from '@tenantkit/db';
import type { AdminContext } from '../admin/context.ts';
import { findMemberRow } from '../admin/rbac-state.ts';
import { assertPermitted } from '../rbac/index.ts';
import { type MemberView, toMemberViews } from './view.ts';

/** One member of this tenant; another tenant's id is `NotFoundError` like an unknown one. */
export async function getMember({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: { memberId: string };
}): Promise<MemberView> {
  assertPermitted(ctx.principal.permissions, ['members:read']);
  return withTenant(ctx.deps.db, ctx.tenant.id, async (tx) => {
    const row = await findMemberRow(tx, ctx.tenant, input.memberId);
    const [view] = await toMemberViews(tx, ctx.tenant, [row]);
    if (!view) throw new Error('member view missing');
    return view;
  });
}
