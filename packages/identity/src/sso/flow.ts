import { withTenant } from '@tenantkit/db';
import * as oidc from 'openid-client';
import { normalizeEmail } from '../accounts/users.ts';
import { appendAuditEvent } from '../audit/index.ts';
import { constantTimeEqual } from '../crypto/index.ts';
import { publishRbacVersion } from '../members/permissions.ts';
import { createSession } from '../sessions/index.ts';
import { findConnection, type SsoConnectionRow } from './connections.ts';
import type { SsoContext } from './context.ts';
import {
  SsoConnectionNotFoundError,
  SsoDiscoveryError,
  SsoNotConfiguredError,
  SsoSignInError,
  UnsafeReturnToError,
} from './errors.ts';
import { browserHash, saveFlowState, takeFlowState } from './flow-state.ts';
import { clientConfiguration, saveJwksCache } from './oidc-client.ts';
import {
  type AssertedIdentity,
  resolveMember,
  rolesForGroups,
  syncIdpBindings,
} from './provisioning.ts';
import { connectionForEmail, connectionOwnsDomain, emailDomainOf } from './realm.ts';
import { safeReturnTo } from './return-to.ts';

/** The exact redirect URI of a connection on the host the sign-in runs on (mix-up defence). */
export const ssoRedirectUri = (origin: string, connectionId: string) =>
  `${origin}/auth/sso/callback/${connectionId}`;

async function auditFailure(ctx: SsoContext, reason: string, data: Record<string, unknown>) {
  await withTenant(ctx.deps.db, ctx.tenant.id, (tx) =>
    appendAuditEvent(tx, ctx.tenant, ctx.actor, {
      action: 'sso.login.failed',
      targetType: data.connectionId ? 'sso_connection' : null,
      targetId: typeof data.connectionId === 'string' ? data.connectionId : null,
      data: { reason, ...data },
    }),
  );
}

/**
 * Starts an SSO sign-in: picks the connection (by id, or by the email's verified domain), and
 * answers with the IdP's authorization URL. PKCE S256, state and nonce are random per sign-in
 * and kept in Redis for ten minutes, bound to this browser's cookie and to the connection.
 */
export async function startSsoSignIn({
  ctx,
  input,
}: {
  ctx: SsoContext;
  input: {
    connectionId?: string;
    email?: string;
    returnTo?: string;
    /** The value of this browser's SSO binding cookie. */
    browserKey: string;
    /** `https://<this host>`: where the IdP sends the browser back. */
    origin: string;
  };
}): Promise<{ authorizationUrl: string; connectionId: string }> {
  const { deps, tenant } = ctx;
  const returnTo = safeReturnTo(input.returnTo);
  if (returnTo === null) {
    await auditFailure(ctx, 'unsafe_return_to', { returnTo: input.returnTo?.slice(0, 200) });
    throw new UnsafeReturnToError();
  }
  const connection = await withTenant(deps.db, tenant.id, async (tx) => {
    if (input.connectionId) return findConnection(tx, tenant.id, input.connectionId);
    return input.email ? connectionForEmail(tx, tenant.id, input.email) : undefined;
  });
  if (!connection) {
    if (input.connectionId) throw new SsoConnectionNotFoundError();
    throw new SsoNotConfiguredError();
  }
  if (!connection.enabled) {
    await auditFailure(ctx, 'connection_disabled', { connectionId: connection.id, stage: 'start' });
    throw new SsoSignInError('connection_disabled', 'forbidden');
  }
  const config = await clientConfiguration(deps, tenant.id, connection);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const redirectUri = ssoRedirectUri(input.origin, connection.id);
  await saveFlowState(deps, tenant.id, state, {
    connectionId: connection.id,
    codeVerifier,
    nonce,
    browserHash: browserHash(input.browserKey),
    redirectUri,
    returnTo,
  });
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: connection.scopes.join(' '),
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(input.email ? { login_hint: normalizeEmail(input.email).slice(0, 320) } : {}),
  });
  return { authorizationUrl: url.href, connectionId: connection.id };
}

export interface SsoSignInResult {
  token: string;
  sessionId: string;
  expiresAt: Date;
  userId: string;
  returnTo: string;
  rbacVersion: number | null;
}

/**
 * The callback: takes the state (single use), checks it belongs to this browser and this
 * connection, lets openid-client check the response (RFC 9207 `iss`, PKCE, signature with the
 * one accepted algorithm, issuer, audience/azp, nonce, expiry with 30 s tolerance), then signs
 * the member in. Every refusal is an `SsoSignInError` with its reason, also in the audit log.
 */
export async function completeSsoSignIn({
  ctx,
  input,
}: {
  ctx: SsoContext;
  input: { connectionId: string; params: URLSearchParams; browserKey: string | undefined };
}): Promise<SsoSignInResult> {
  const base = { connectionId: input.connectionId };
  try {
    return await complete(ctx, input);
  } catch (error) {
    if (error instanceof SsoSignInError) {
      await auditFailure(ctx, error.reason, { ...base, ...error.auditData });
    }
    throw error;
  }
}

async function complete(
  ctx: SsoContext,
  input: { connectionId: string; params: URLSearchParams; browserKey: string | undefined },
): Promise<SsoSignInResult> {
  const { deps, tenant } = ctx;
  const flow = await takeFlowState(deps, tenant.id, input.params.get('state'));
  if (!flow) throw new SsoSignInError('unknown_state');
  if (!input.browserKey || !constantTimeEqual(browserHash(input.browserKey), flow.browserHash)) {
    throw new SsoSignInError('browser_mismatch');
  }
  if (flow.connectionId !== input.connectionId) throw new SsoSignInError('connection_mismatch');
  const connection = await withTenant(deps.db, tenant.id, (tx) =>
    findConnection(tx, tenant.id, flow.connectionId),
  );
  if (!connection?.enabled) throw new SsoSignInError('connection_disabled', 'forbidden');

  const config = await clientConfiguration(deps, tenant.id, connection).catch((error) => {
    if (!(error instanceof SsoDiscoveryError)) throw error;
    throw new SsoSignInError('idp_unavailable', 'unavailable', { detail: error.message });
  });
  const callbackUrl = new URL(flow.redirectUri);
  callbackUrl.search = input.params.toString();
  let claims: oidc.IDToken;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: input.params.get('state') ?? '',
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw new SsoSignInError('invalid_id_token');
    claims = idClaims;
  } catch (error) {
    if (error instanceof SsoSignInError) throw error;
    const reason = reasonOf(error);
    const status = reason === 'idp_unavailable' ? 'unavailable' : 'unauthorized';
    throw new SsoSignInError(reason, status, { detail: detailOf(error) });
  } finally {
    await saveJwksCache(deps, tenant.id, connection, config);
  }
  const asserted = assertedIdentity(connection, claims);
  return signIn(ctx, connection, asserted, flow.returnTo);
}

function assertedIdentity(connection: SsoConnectionRow, claims: oidc.IDToken): AssertedIdentity {
  const email = claims[connection.claimEmail];
  if (typeof email !== 'string' || !email.includes('@') || email.length > 320) {
    throw new SsoSignInError('missing_email');
  }
  if (claims.email_verified === false) throw new SsoSignInError('email_not_verified');
  const name = claims[connection.claimName];
  const groups = claims[connection.claimGroups];
  return {
    subject: claims.sub,
    email: normalizeEmail(email),
    name: typeof name === 'string' ? name.slice(0, 200) : '',
    groups: Array.isArray(groups)
      ? groups.filter((g): g is string => typeof g === 'string')
      : typeof groups === 'string'
        ? [groups]
        : [],
  };
}

async function signIn(
  ctx: SsoContext,
  connection: SsoConnectionRow,
  asserted: AssertedIdentity,
  returnTo: string,
): Promise<SsoSignInResult> {
  const { deps, tenant } = ctx;
  const result = await withTenant(deps.db, tenant.id, async (tx) => {
    // Checked on every sign-in, not only when linking: the connection speaks for its
    // verified domains only.
    const domain = emailDomainOf(asserted.email);
    if (!(await connectionOwnsDomain(tx, tenant.id, connection, domain))) {
      throw new SsoSignInError('email_domain_not_allowed', 'forbidden', { domain });
    }
    const { user, outcome } = await resolveMember(tx, tenant, ctx.actor, connection, asserted);
    if (user.status !== 'active') {
      throw new SsoSignInError('member_deactivated', 'forbidden', { userId: user.id });
    }
    const roleKeys = await rolesForGroups(tx, tenant.id, connection, asserted.groups);
    const sync = await syncIdpBindings(tx, tenant, user.id, roleKeys);
    const session = await createSession(tx, tenant, {
      userId: user.id,
      ip: ctx.actor.ip,
      userAgent: ctx.actor.userAgent,
    });
    await tx.$client`
      update sso_identities set last_login_at = now(), email = ${asserted.email}
      where tenant_id = ${tenant.id} and connection_id = ${connection.id}
        and subject = ${asserted.subject}`;
    await tx.$client`
      update users set last_login_at = now() where tenant_id = ${tenant.id} and id = ${user.id}`;
    await appendAuditEvent(
      tx,
      tenant,
      { ...ctx.actor, actorType: 'user', actorId: user.id },
      {
        action: 'sso.login.succeeded',
        targetType: 'session',
        targetId: session.sessionId,
        data: {
          connectionId: connection.id,
          subject: asserted.subject,
          outcome,
          rolesAdded: sync.added,
          rolesRemoved: sync.removed,
        },
      },
    );
    return { ...session, userId: user.id, returnTo, rbacVersion: sync.rbacVersion };
  });
  if (result.rbacVersion !== null) await publishRbacVersion(deps, tenant, result.rbacVersion);
  return result;
}

/** openid-client wraps oauth4webapi's precise error in a generic one; the cause says what. */
function innerMessage(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : '';
}

function reasonOf(error: unknown) {
  if (error instanceof oidc.AuthorizationResponseError) return 'idp_error' as const;
  if (error instanceof oidc.ResponseBodyError) return 'token_exchange_failed' as const;
  // fetch() failing (connection refused, DNS) or openid-client's timeout.
  if (error instanceof TypeError || (error instanceof Error && error.name === 'TimeoutError')) {
    return 'idp_unavailable' as const;
  }
  const message = innerMessage(error);
  if (message.includes('"iss" (issuer) response parameter')) return 'issuer_mismatch' as const;
  if (message.includes('"alg"')) return 'unexpected_alg' as const;
  if (message.includes('"nonce"')) return 'nonce_mismatch' as const;
  if (message.includes('"iss"')) return 'issuer_mismatch' as const;
  return 'invalid_id_token' as const;
}

function detailOf(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
    const description = error.error_description ? `: ${error.error_description}` : '';
    return `${error.error}${description}`.slice(0, 300);
  }
  return innerMessage(error).slice(0, 300) || 'unknown';
}
