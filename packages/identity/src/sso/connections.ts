import { schema, type TenantTx, uuidv7, withTenant } from '@tenantkit/db';
import { and, asc, eq, sql } from 'drizzle-orm';
import { appendAuditEvent } from '../audit/index.ts';
import { encryptSecret } from '../crypto/index.ts';
import { assertPermitted } from '../rbac/index.ts';
import {
  checkGroupRoles,
  normalizeDomains,
  normalizeIssuer,
  normalizeScopes,
  type SsoConnectionInput,
} from './connection-input.ts';
import { connectionView, type SsoConnectionView } from './connection-view.ts';
import type { SsoContext } from './context.ts';
import {
  EmailDomainClaimedError,
  EmailDomainNotVerifiedError,
  SsoConnectionNotFoundError,
} from './errors.ts';
import { clientSecretAad, discoverIssuer, forgetConnectionCaches } from './oidc-client.ts';

const { ssoConnections, ssoEmailDomains } = schema;
export type SsoConnectionRow = typeof ssoConnections.$inferSelect;
export { connectionView, type SsoConnectionView } from './connection-view.ts';

export function permissionsOf(ctx: SsoContext) {
  const permissions = ctx.permissions ?? new Set();
  assertPermitted(permissions, ['sso:manage']);
  return permissions;
}

export async function findConnection(
  tx: TenantTx,
  tenantId: string,
  connectionId: string,
): Promise<SsoConnectionRow | undefined> {
  const [row] = await tx
    .select()
    .from(ssoConnections)
    .where(and(eq(ssoConnections.tenantId, tenantId), eq(ssoConnections.id, connectionId)));
  return row;
}

/** Every claimed domain must be verified for this tenant and free of other connections. */
async function checkDomains(
  tx: TenantTx,
  tenantId: string,
  connectionId: string,
  domains: string[],
) {
  for (const domain of domains) {
    const [row] = await tx
      .select({ verifiedAt: ssoEmailDomains.verifiedAt })
      .from(ssoEmailDomains)
      .where(and(eq(ssoEmailDomains.tenantId, tenantId), eq(ssoEmailDomains.domain, domain)));
    if (!row?.verifiedAt) throw new EmailDomainNotVerifiedError(domain);
    const [other] = await tx
      .select({ id: ssoConnections.id })
      .from(ssoConnections)
      .where(
        and(
          eq(ssoConnections.tenantId, tenantId),
          sql`${ssoConnections.id} <> ${connectionId}`,
          sql`${domain} = any(${ssoConnections.emailDomains})`,
        ),
      );
    if (other) throw new EmailDomainClaimedError(domain);
  }
}

export async function createSsoConnection({
  ctx,
  input,
}: {
  ctx: SsoContext;
  input: SsoConnectionInput;
}): Promise<SsoConnectionView> {
  const permissions = permissionsOf(ctx);
  const { deps, tenant } = ctx;
  const issuer = normalizeIssuer(input.issuer, deps.allowInsecureIssuers ?? false);
  const scopes = normalizeScopes(input.scopes);
  const emailDomains = normalizeDomains(input.emailDomains);
  const groupRoles = input.groupRoles ?? {};
  // Discovery before anything is stored: a connection always names a working issuer.
  await discoverIssuer(deps, issuer, input.clientId);
  const id = uuidv7();
  const row = await withTenant(deps.db, tenant.id, async (tx) => {
    await checkGroupRoles(tx, tenant.id, groupRoles, permissions);
    await checkDomains(tx, tenant.id, id, emailDomains);
    const [created] = await tx
      .insert(ssoConnections)
      .values({
        tenantId: tenant.id,
        id,
        name: input.name,
        issuer,
        clientId: input.clientId,
        clientSecret: input.clientSecret
          ? encryptSecret(deps.keyRing, input.clientSecret, clientSecretAad(tenant.id, id))
          : null,
        scopes,
        idTokenAlg: input.idTokenAlg ?? 'RS256',
        claimEmail: input.claims?.email ?? 'email',
        claimName: input.claims?.name ?? 'name',
        claimGroups: input.claims?.groups ?? 'groups',
        groupRoles,
        jitEnabled: input.jitEnabled ?? false,
        emailDomains,
        enabled: false,
      })
      .returning();
    if (!created) throw new Error('insert returned no row');
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'sso.connection.created',
      targetType: 'sso_connection',
      targetId: id,
      data: { after: auditShape(created) },
    });
    return created;
  });
  return connectionView(row);
}

export async function listSsoConnections({ ctx }: { ctx: SsoContext }) {
  permissionsOf(ctx);
  const rows = await withTenant(ctx.deps.db, ctx.tenant.id, (tx) =>
    tx
      .select()
      .from(ssoConnections)
      .where(eq(ssoConnections.tenantId, ctx.tenant.id))
      .orderBy(asc(ssoConnections.id)),
  );
  return rows.map(connectionView);
}

export async function getSsoConnection({
  ctx,
  input,
}: {
  ctx: SsoContext;
  input: { connectionId: string };
}): Promise<SsoConnectionView> {
  permissionsOf(ctx);
  const row = await withTenant(ctx.deps.db, ctx.tenant.id, (tx) =>
    findConnection(tx, ctx.tenant.id, input.connectionId),
  );
  if (!row) throw new SsoConnectionNotFoundError();
  return connectionView(row);
}

export async function updateSsoConnection({
  ctx,
  input,
}: {
  ctx: SsoContext;
  input: { connectionId: string; patch: Partial<SsoConnectionInput> };
}): Promise<SsoConnectionView> {
  const permissions = permissionsOf(ctx);
  const { deps, tenant } = ctx;
  const { patch } = input;
  const issuer =
    patch.issuer === undefined
      ? undefined
      : normalizeIssuer(patch.issuer, deps.allowInsecureIssuers ?? false);
  const before = await withTenant(deps.db, tenant.id, (tx) =>
    findConnection(tx, tenant.id, input.connectionId),
  );
  if (!before) throw new SsoConnectionNotFoundError();
  if (issuer !== undefined || patch.clientId !== undefined) {
    await discoverIssuer(deps, issuer ?? before.issuer, patch.clientId ?? before.clientId);
  }
  const row = await withTenant(deps.db, tenant.id, async (tx) => {
    if (patch.groupRoles) await checkGroupRoles(tx, tenant.id, patch.groupRoles, permissions);
    const emailDomains =
      patch.emailDomains === undefined ? undefined : normalizeDomains(patch.emailDomains);
    if (emailDomains) await checkDomains(tx, tenant.id, input.connectionId, emailDomains);
    const [updated] = await tx
      .update(ssoConnections)
      .set({
        name: patch.name,
        issuer,
        clientId: patch.clientId,
        clientSecret:
          patch.clientSecret === undefined
            ? undefined
            : patch.clientSecret === null
              ? null
              : encryptSecret(
                  deps.keyRing,
                  patch.clientSecret,
                  clientSecretAad(tenant.id, input.connectionId),
                ),
        scopes: patch.scopes === undefined ? undefined : normalizeScopes(patch.scopes),
        idTokenAlg: patch.idTokenAlg,
        claimEmail: patch.claims?.email,
        claimName: patch.claims?.name,
        claimGroups: patch.claims?.groups,
        groupRoles: patch.groupRoles,
        jitEnabled: patch.jitEnabled,
        emailDomains,
        updatedAt: new Date(),
      })
      .where(and(eq(ssoConnections.tenantId, tenant.id), eq(ssoConnections.id, input.connectionId)))
      .returning();
    if (!updated) throw new SsoConnectionNotFoundError();
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'sso.connection.updated',
      targetType: 'sso_connection',
      targetId: updated.id,
      data: {
        before: auditShape(before),
        after: auditShape(updated),
        clientSecretChanged: patch.clientSecret !== undefined,
      },
    });
    return updated;
  });
  if (issuer !== undefined) await forgetConnectionCaches(deps, tenant.id, before);
  return connectionView(row);
}

/** Enables or disables a connection; disabling stops every sign-in through it at once. */
export async function setSsoConnectionEnabled({
  ctx,
  input,
}: {
  ctx: SsoContext;
  input: { connectionId: string; enabled: boolean };
}): Promise<SsoConnectionView> {
  permissionsOf(ctx);
  const { deps, tenant } = ctx;
  const row = await withTenant(deps.db, tenant.id, async (tx) => {
    const [updated] = await tx
      .update(ssoConnections)
      .set({ enabled: input.enabled, updatedAt: new Date() })
      .where(and(eq(ssoConnections.tenantId, tenant.id), eq(ssoConnections.id, input.connectionId)))
      .returning();
    if (!updated) throw new SsoConnectionNotFoundError();
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: input.enabled ? 'sso.connection.enabled' : 'sso.connection.disabled',
      targetType: 'sso_connection',
      targetId: updated.id,
    });
    return updated;
  });
  return connectionView(row);
}

export async function deleteSsoConnection({
  ctx,
  input,
}: {
  ctx: SsoContext;
  input: { connectionId: string };
}): Promise<void> {
  permissionsOf(ctx);
  const { deps, tenant } = ctx;
  const removed = await withTenant(deps.db, tenant.id, async (tx) => {
    const [deleted] = await tx
      .delete(ssoConnections)
      .where(and(eq(ssoConnections.tenantId, tenant.id), eq(ssoConnections.id, input.connectionId)))
      .returning();
    if (!deleted) throw new SsoConnectionNotFoundError();
    await appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'sso.connection.deleted',
      targetType: 'sso_connection',
      targetId: deleted.id,
      data: { before: auditShape(deleted) },
    });
    return deleted;
  });
  await forgetConnectionCaches(deps, tenant.id, removed);
}

function auditShape(row: SsoConnectionRow) {
  const { clientSecret: _secret, createdAt: _c, updatedAt: _u, tenantId: _t, ...rest } = row;
  return rest;
}
