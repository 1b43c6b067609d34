import { schema, type TenantRecord, type TenantTx } from '@tenantkit/db';
import { insertUser, type User } from '../accounts/users.ts';
import { type AuditActor, appendAuditEvent } from '../audit/index.ts';
import { bumpRbacVersion } from './provision.ts';

/**
 * Creates a member with role bindings and an audit event, in the caller's transaction. Callers
 * that act for a person check first that the person may grant these roles (rbac/guards.ts);
 * onboarding and seeds create the first owner as the system.
 */
export async function createMember(
  tx: TenantTx,
  tenant: Pick<TenantRecord, 'id' | 'tier' | 'name'>,
  actor: AuditActor,
  input: { email: string; name?: string; password?: string; roleKeys: string[] },
): Promise<{ user: User; rbacVersion: number }> {
  const user = await insertUser(tx, tenant, input);
  if (input.roleKeys.length > 0) {
    await tx.insert(schema.roleBindings).values(
      input.roleKeys.map((roleKey) => ({
        tenantId: tenant.id,
        principalType: 'user' as const,
        principalId: user.id,
        roleKey,
      })),
    );
  }
  const rbacVersion = await bumpRbacVersion(tx, tenant);
  await appendAuditEvent(tx, tenant, actor, {
    action: 'member.created',
    targetType: 'user',
    targetId: user.id,
    data: { email: user.email, roles: input.roleKeys },
  });
  return { user, rbacVersion };
}
