import { NotFoundError, schema, type TenantRecord, type TenantTx, withTenant } from '@tenantkit/db';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { AdminContext } from '../admin/context.ts';
import { BindingExistsError, PrincipalNotFoundError } from '../admin/errors.ts';
import {
  actorIsOwner,
  countActiveOwners,
  isOwner,
  loadRoleDefinitions,
  publishVersion,
} from '../admin/rbac-state.ts';
import { appendAuditEvent } from '../audit/index.ts';
import { bumpRbacVersion } from '../members/provision.ts';
import {
  assertBindingTarget,
  assertCanActOnPrincipal,
  assertCanBind,
  assertNotLastOwner,
  assertPermitted,
  OWNER_ROLE_KEY,
} from '../rbac/index.ts';

const { roleBindings, users, serviceClients } = schema;

export type PrincipalType = 'user' | 'client';

export interface RoleBindingView {
  principalType: PrincipalType;
  principalId: string;
  roleKey: string;
  source: 'manual' | 'idp';
  createdAt: Date;
}

export interface BindingInput {
  principalType: PrincipalType;
  principalId: string;
  roleKey: string;
}

/** The tenant's bindings, optionally narrowed to one principal or one role. */
export async function listRoleBindings({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: { principalType?: PrincipalType; principalId?: string; roleKey?: string };
}): Promise<RoleBindingView[]> {
  assertPermitted(ctx.principal.permissions, ['members:read']);
  return withTenant(ctx.deps.db, ctx.tenant.id, (tx) =>
    tx
      .select({
        principalType: roleBindings.principalType,
        principalId: roleBindings.principalId,
        roleKey: roleBindings.roleKey,
        source: roleBindings.source,
        createdAt: roleBindings.createdAt,
      })
      .from(roleBindings)
      .where(
        and(
          eq(roleBindings.tenantId, ctx.tenant.id),
          input.principalType ? eq(roleBindings.principalType, input.principalType) : undefined,
          input.principalId ? eq(roleBindings.principalId, input.principalId) : undefined,
          input.roleKey ? eq(roleBindings.roleKey, input.roleKey) : undefined,
        ),
      )
      .orderBy(
        asc(roleBindings.principalType),
        asc(roleBindings.principalId),
        asc(roleBindings.roleKey),
      )
      .limit(5000),
  );
}

/**
 * Binds a user or a service client (a `service_clients` row of this tenant that is not
 * revoked) to a role. Only users can be owners; the actor must hold every permission of the
 * role, and only owners grant `owner`.
 */
export async function createRoleBinding({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: BindingInput;
}): Promise<RoleBindingView> {
  assertPermitted(ctx.principal.permissions, ['members:manage']);
  assertBindingTarget({
    roleKey: input.roleKey,
    principalKind: input.principalType === 'user' ? 'user' : 'service_client',
  });
  const { tenant } = ctx;
  const { row, version } = await withTenant(ctx.deps.db, tenant.id, async (tx) => {
    await assertPrincipalExists(tx, tenant, input);
    const role = (await loadRoleDefinitions(tx, tenant, [input.roleKey])).get(input.roleKey);
    if (!role) throw new NotFoundError('role');
    assertCanBind({
      actorEffective: ctx.principal.permissions,
      actorIsOwner: await actorIsOwner(tx, ctx),
      role,
    });
    const version = await bumpRbacVersion(tx, tenant);
    const [row] = await tx
      .insert(roleBindings)
      .values({ tenantId: tenant.id, ...input })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new BindingExistsError();
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'role_binding.created',
      targetType: input.principalType,
      targetId: input.principalId,
      data: { roleKey: input.roleKey },
    });
    return { row, version };
  });
  await publishVersion(ctx, version);
  return toView(row);
}

/**
 * Removes a binding. Revoking is checked like granting (a lesser principal cannot strip a
 * stronger one), only owners change an owner's roles, and the last active owner keeps `owner`.
 */
export async function deleteRoleBinding({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: BindingInput;
}): Promise<void> {
  assertPermitted(ctx.principal.permissions, ['members:manage']);
  const { tenant } = ctx;
  const version = await withTenant(ctx.deps.db, tenant.id, async (tx) => {
    const where = and(
      eq(roleBindings.tenantId, tenant.id),
      eq(roleBindings.principalType, input.principalType),
      eq(roleBindings.principalId, input.principalId),
      eq(roleBindings.roleKey, input.roleKey),
    );
    const [existing] = await tx.select().from(roleBindings).where(where);
    if (!existing) throw new NotFoundError('role binding');
    const ownerActing = await actorIsOwner(tx, ctx);
    if (input.principalType === 'user') {
      assertCanActOnPrincipal({
        actorIsOwner: ownerActing,
        targetIsOwner: await isOwner(tx, tenant, input.principalId),
      });
    }
    const role = (await loadRoleDefinitions(tx, tenant, [input.roleKey])).get(input.roleKey);
    if (!role) throw new NotFoundError('role');
    assertCanBind({
      actorEffective: ctx.principal.permissions,
      actorIsOwner: ownerActing,
      role,
      action: 'revoke',
    });
    await tx.delete(roleBindings).where(where);
    const version = await bumpRbacVersion(tx, tenant);
    if (input.roleKey === OWNER_ROLE_KEY) {
      assertNotLastOwner({ ownerCountAfter: await countActiveOwners(tx, tenant) });
    }
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'role_binding.deleted',
      targetType: input.principalType,
      targetId: input.principalId,
      data: { roleKey: input.roleKey, source: existing.source },
    });
    return version;
  });
  await publishVersion(ctx, version);
}

async function assertPrincipalExists(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id'>,
  input: BindingInput,
): Promise<void> {
  const rows =
    input.principalType === 'user'
      ? await tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.tenantId, tenant.id), eq(users.id, input.principalId)))
      : await tx
          .select({ id: serviceClients.id })
          .from(serviceClients)
          .where(
            and(
              eq(serviceClients.tenantId, tenant.id),
              eq(serviceClients.id, input.principalId),
              isNull(serviceClients.revokedAt),
            ),
          );
  if (rows.length === 0) throw new PrincipalNotFoundError();
}

function toView(row: typeof roleBindings.$inferSelect): RoleBindingView {
  return {
    principalType: row.principalType,
    principalId: row.principalId,
    roleKey: row.roleKey,
    source: row.source,
    createdAt: row.createdAt,
  };
}
