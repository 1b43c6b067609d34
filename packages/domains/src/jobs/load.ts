import { schema, type TenantTx, withTenant } from '@tenantkit/db';
import { and, eq } from 'drizzle-orm';
import type { DomainsDeps } from '../deps.ts';
import type { DomainRow } from '../lifecycle/states.ts';

/** The domain row and the tenant's challenge token, read without holding a lock. */
export async function readDomain(
  deps: Pick<DomainsDeps, 'db'>,
  tenantId: string,
  hostname: string,
): Promise<{ row: DomainRow; token: string | null } | null> {
  return withTenant(deps.db, tenantId, async (tx: TenantTx) => {
    const [row] = await tx
      .select()
      .from(schema.tenantDomains)
      .where(
        and(
          eq(schema.tenantDomains.tenantId, tenantId),
          eq(schema.tenantDomains.hostname, hostname),
        ),
      );
    if (row?.kind !== 'custom') return null;
    const [challenge] = await tx
      .select({ token: schema.domainChallenges.token })
      .from(schema.domainChallenges)
      .where(eq(schema.domainChallenges.tenantId, tenantId));
    return { row, token: challenge?.token ?? null };
  });
}
