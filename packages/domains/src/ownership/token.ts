import { randomBytes } from 'node:crypto';
import { type Database, withTenant } from '@tenantkit/db';

/**
 * The tenant's challenge token, created on first use. Concurrent first uses agree on one
 * token: the insert does nothing if another transaction created it first, and the read that
 * follows sees the winner.
 */
export async function ensureChallengeToken(db: Database, tenantId: string): Promise<string> {
  return withTenant(db, tenantId, async (tx) => {
    const sql = tx.$client;
    const candidate = randomBytes(20).toString('hex');
    await sql`
      insert into domain_challenges (tenant_id, token) values (${tenantId}, ${candidate})
      on conflict (tenant_id) do nothing`;
    const [row] = await sql<{ token: string }[]>`
      select token from domain_challenges where tenant_id = ${tenantId}`;
    if (!row) throw new Error('domain challenge token missing after insert');
    return row.token;
  });
}
