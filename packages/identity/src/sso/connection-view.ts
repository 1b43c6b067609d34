import type { schema } from '@tenantkit/db';

type SsoConnectionRow = typeof schema.ssoConnections.$inferSelect;

/** A connection as routes show it: everything but the secret, which is only said to be set. */
export interface SsoConnectionView {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecretSet: boolean;
  scopes: string[];
  idTokenAlg: string;
  claims: { email: string; name: string; groups: string };
  groupRoles: Record<string, string[]>;
  jitEnabled: boolean;
  emailDomains: string[];
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export function connectionView(row: SsoConnectionRow): SsoConnectionView {
  return {
    id: row.id,
    name: row.name,
    issuer: row.issuer,
    clientId: row.clientId,
    clientSecretSet: row.clientSecret !== null,
    scopes: row.scopes,
    idTokenAlg: row.idTokenAlg,
    claims: { email: row.claimEmail, name: row.claimName, groups: row.claimGroups },
    groupRoles: row.groupRoles,
    jitEnabled: row.jitEnabled,
    emailDomains: row.emailDomains,
    enabled: row.enabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
