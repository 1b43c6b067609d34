/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { schema, withTenant } from '@tenantkit/db';
import { getMfaStatus, listUserSessions } from '@tenantkit/identity';
import { and, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { identityContext } from '../../auth/identity-context.ts';
import type { SessionPrincipal } from '../../auth/principal.ts';
import type { ApiDeps } from '../../deps.ts';
import { AccountPage } from '../../pages/account.tsx';
import type { SecurityView } from '../../pages/account-security.tsx';
import { listUserRoles } from './roles.ts';

/** Renders /account for the signed-in member, with one-time extras (codes, notices, errors). */
export async function renderAccount(
  c: Context,
  deps: ApiDeps,
  principal: SessionPrincipal,
  extras: Omit<SecurityView, 'mfa'> = {},
  status: ContentfulStatusCode = 200,
) {
  const tenant = c.get('tenant');
  const { users } = schema;
  const [user, sessions, roles] = await withTenant(
    deps.db,
    tenant.id,
    async (tx) =>
      [
        (
          await tx
            .select({ email: users.email })
            .from(users)
            .where(and(eq(users.tenantId, tenant.id), eq(users.id, principal.id)))
        )[0],
        await listUserSessions(tx, tenant, principal.id),
        await listUserRoles(tx, tenant.id, principal.id),
      ] as const,
  );
  const mfa = await getMfaStatus({
    ctx: identityContext(c, deps),
    input: { userId: principal.id },
  });
  return c.html(
    <AccountPage
      workspace={tenant.name}
      email={user?.email ?? ''}
      permissions={[...principal.permissions].sort()}
      roles={roles}
      currentSessionId={principal.sessionId}
      sessions={sessions}
      security={{ mfa, ...extras }}
    />,
    status,
  );
}
