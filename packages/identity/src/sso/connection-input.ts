import { isIP } from 'node:net';
import { schema, type TenantTx } from '@tenantkit/db';
import { and, eq, inArray } from 'drizzle-orm';
import type { Permission } from '../rbac/index.ts';
import { assertCanBind, BUILTIN_ROLES, isBuiltinRole, OWNER_ROLE_KEY } from '../rbac/index.ts';
import { InvalidSsoConnectionError } from './errors.ts';

export type IdTokenAlg = (typeof schema.ssoIdTokenAlgs)[number];

/** What an admin sends to create or change a connection (the route validates shapes). */
export interface SsoConnectionInput {
  name: string;
  issuer: string;
  clientId: string;
  clientSecret?: string | null;
  scopes?: string[];
  idTokenAlg?: IdTokenAlg;
  claims?: { email?: string; name?: string; groups?: string };
  groupRoles?: Record<string, string[]>;
  jitEnabled?: boolean;
  emailDomains?: string[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The issuer identifier, never a hand-typed discovery URL: https (plain http only for loopback
 * test IdPs when allowed), no query or fragment, no `/.well-known/` path. Returned without a
 * trailing slash, which is how issuers are usually spelled.
 */
export function normalizeIssuer(value: string, allowInsecure: boolean): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new InvalidSsoConnectionError('issuer', 'issuer must be an absolute URL');
  }
  const insecureOk = allowInsecure && url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !insecureOk) {
    throw new InvalidSsoConnectionError('issuer', 'issuer must be an https URL');
  }
  // The server fetches from the issuer: outside tests, never from loopback or bare addresses
  // (a first line against SSRF; resolved-address pinning is future work, see ADR 0009).
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!insecureOk && (isIP(host) !== 0 || host === 'localhost' || host.endsWith('.localhost'))) {
    throw new InvalidSsoConnectionError('issuer', 'issuer must be a public DNS name');
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new InvalidSsoConnectionError('issuer', 'issuer must not have a query, fragment or user');
  }
  if (url.pathname.includes('/.well-known/')) {
    throw new InvalidSsoConnectionError(
      'issuer',
      'give the issuer itself; its discovery document is found from it',
    );
  }
  return url.href.replace(/\/$/, '');
}

export function normalizeScopes(scopes: string[] | undefined): string[] {
  const list = [...new Set(scopes ?? ['openid', 'email', 'profile'])];
  if (!list.includes('openid')) {
    throw new InvalidSsoConnectionError('scopes', 'scopes must include openid');
  }
  return list;
}

export function normalizeDomains(domains: string[] | undefined): string[] {
  return [...new Set((domains ?? []).map((d) => d.trim().toLowerCase().replace(/\.$/, '')))];
}

/**
 * Group mappings may name built-in or custom roles of this tenant, never `owner` (an IdP group
 * must not make owners, nor could a sync remove the last one), and only roles the admin could
 * grant by hand.
 */
export async function checkGroupRoles(
  tx: TenantTx,
  tenantId: string,
  groupRoles: Record<string, string[]>,
  actor: ReadonlySet<Permission>,
): Promise<void> {
  const keys = [...new Set(Object.values(groupRoles).flat())];
  if (keys.includes(OWNER_ROLE_KEY)) {
    throw new InvalidSsoConnectionError('groupRoles', 'IdP groups cannot grant the owner role');
  }
  const custom = keys.filter((k) => !isBuiltinRole(k));
  const rows =
    custom.length === 0
      ? []
      : await tx
          .select({ key: schema.roles.key, permissions: schema.roles.permissions })
          .from(schema.roles)
          .where(and(eq(schema.roles.tenantId, tenantId), inArray(schema.roles.key, custom)));
  const found = new Map(rows.map((r) => [r.key, r.permissions as Permission[]]));
  for (const key of keys) {
    const permissions = isBuiltinRole(key) ? BUILTIN_ROLES[key].permissions : found.get(key);
    if (!permissions) {
      throw new InvalidSsoConnectionError('groupRoles', `unknown role "${key.slice(0, 64)}"`);
    }
    assertCanBind({ actorEffective: actor, actorIsOwner: false, role: { key, permissions } });
  }
}
