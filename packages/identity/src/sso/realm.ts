import { schema, type TenantTx } from '@tenantkit/db';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { normalizeEmail } from '../accounts/users.ts';
import type { SsoConnectionRow } from './connections.ts';

const { ssoConnections, ssoEmailDomains } = schema;

export const emailDomainOf = (email: string): string =>
  normalizeEmail(email).split('@').at(-1) ?? '';

/** Whether `domain` is verified for the tenant and claimed by this connection. */
export async function connectionOwnsDomain(
  tx: TenantTx,
  tenantId: string,
  connection: Pick<SsoConnectionRow, 'emailDomains'>,
  domain: string,
): Promise<boolean> {
  if (!connection.emailDomains.includes(domain)) return false;
  const [row] = await tx
    .select({ domain: ssoEmailDomains.domain })
    .from(ssoEmailDomains)
    .where(
      and(
        eq(ssoEmailDomains.tenantId, tenantId),
        eq(ssoEmailDomains.domain, domain),
        isNotNull(ssoEmailDomains.verifiedAt),
      ),
    );
  return row !== undefined;
}

/**
 * Home-realm discovery: the enabled connection that claims the email's domain, provided the
 * tenant has verified that domain.
 */
export async function connectionForEmail(
  tx: TenantTx,
  tenantId: string,
  email: string,
): Promise<SsoConnectionRow | undefined> {
  const domain = emailDomainOf(email);
  if (!domain) return undefined;
  const [row] = await tx
    .select()
    .from(ssoConnections)
    .where(
      and(
        eq(ssoConnections.tenantId, tenantId),
        eq(ssoConnections.enabled, true),
        sql`${domain} = any(${ssoConnections.emailDomains})`,
      ),
    );
  if (!row) return undefined;
  return (await connectionOwnsDomain(tx, tenantId, row, domain)) ? row : undefined;
}
