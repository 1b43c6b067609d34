import { type TenantRecord, withTenant } from '@tenantkit/db';
import type { IdentityContext } from '../accounts/login.ts';
import { normalizeEmail, type User } from '../accounts/users.ts';
import { appendAuditEvent } from '../audit/index.ts';
import { SsoRequiredError } from './errors.ts';
import { type PasswordLoginPolicy, passwordLoginPolicy } from './policy.ts';

/**
 * The "SSO required" gate of password sign-in, before any password work: refuses (audited)
 * emails of an SSO domain, except active owners, whose password path stays open as break
 * glass and is marked as such in the success event.
 */
export async function enforceSsoRequired(
  ctx: {
    deps: IdentityContext['deps'];
    tenant: Pick<TenantRecord, 'id' | 'tier'>;
    actor: IdentityContext['actor'];
  },
  email: string,
  user: Pick<User, 'id' | 'status'> | undefined,
): Promise<PasswordLoginPolicy> {
  const { deps, tenant } = ctx;
  const policy = await withTenant(deps.db, tenant.id, (tx) =>
    passwordLoginPolicy(tx, tenant, email, user),
  );
  if (policy.kind !== 'sso_required') return policy;
  await withTenant(deps.db, tenant.id, (tx) =>
    appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'auth.login.failed',
      targetType: user ? 'user' : null,
      targetId: user?.id ?? null,
      data: {
        email: normalizeEmail(email).slice(0, 320),
        reason: 'sso_required',
        connectionId: policy.connectionId,
      },
    }),
  );
  throw new SsoRequiredError(policy.connectionId);
}
