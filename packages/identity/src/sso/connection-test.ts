import { withTenant } from '@tenantkit/db';
import { appendAuditEvent } from '../audit/index.ts';
import { findConnection, permissionsOf } from './connections.ts';
import type { SsoContext } from './context.ts';
import { SsoConnectionNotFoundError } from './errors.ts';
import { serverMetadata } from './oidc-client.ts';

export interface SsoConnectionTestResult {
  ok: boolean;
  problems: string[];
  issuer: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  jwksUri?: string;
  idTokenAlgsSupported?: string[];
}

/**
 * Runs discovery afresh (refreshing the cache) and reports what would stop sign-ins: an
 * unreachable issuer, a document naming another issuer, no PKCE S256, or an ID-token algorithm
 * the IdP does not offer.
 */
export async function testSsoConnection({
  ctx,
  input,
}: {
  ctx: SsoContext;
  input: { connectionId: string };
}): Promise<SsoConnectionTestResult> {
  permissionsOf(ctx);
  const { deps, tenant } = ctx;
  const row = await withTenant(deps.db, tenant.id, (tx) =>
    findConnection(tx, tenant.id, input.connectionId),
  );
  if (!row) throw new SsoConnectionNotFoundError();
  const problems: string[] = [];
  let result: SsoConnectionTestResult = { ok: false, problems, issuer: row.issuer };
  try {
    const metadata = await serverMetadata(deps, tenant.id, row, { refresh: true });
    result = {
      ...result,
      authorizationEndpoint: metadata.authorization_endpoint,
      tokenEndpoint: metadata.token_endpoint,
      jwksUri: metadata.jwks_uri,
      idTokenAlgsSupported: metadata.id_token_signing_alg_values_supported,
    };
    if (!metadata.authorization_endpoint) problems.push('no authorization_endpoint');
    if (!metadata.token_endpoint) problems.push('no token_endpoint');
    if (!metadata.jwks_uri) problems.push('no jwks_uri');
    const pkce = metadata.code_challenge_methods_supported;
    if (pkce && !pkce.includes('S256')) problems.push('the IdP does not offer PKCE S256');
    const algs = metadata.id_token_signing_alg_values_supported;
    if (algs && !algs.includes(row.idTokenAlg)) {
      problems.push(`the IdP does not sign ID tokens with ${row.idTokenAlg}`);
    }
  } catch (error) {
    problems.push(error instanceof Error ? error.message : 'discovery failed');
  }
  result.ok = problems.length === 0;
  await withTenant(deps.db, tenant.id, (tx) =>
    appendAuditEvent(tx, tenant, ctx.actor, {
      action: 'sso.connection.tested',
      targetType: 'sso_connection',
      targetId: row.id,
      data: { ok: result.ok, problems },
    }),
  );
  return result;
}
