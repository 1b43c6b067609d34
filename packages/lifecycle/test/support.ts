import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from '@tenantkit/testing';
import type { LifecycleDeps, MailSender } from '../src/index.ts';
import { wildcardDns } from '../src/index.ts';

export interface LifecycleFixture {
  db: TestDatabase;
  redis: TestRedis;
  deps: LifecycleDeps;
  mails: Parameters<MailSender['send']>[0][];
  close(): Promise<void>;
}

export async function createLifecycleFixture(): Promise<LifecycleFixture> {
  const db = await createTestDatabase({ poolMax: 8 });
  const redis = await createTestRedis();
  const mails: LifecycleFixture['mails'] = [];
  return {
    db,
    redis,
    mails,
    deps: {
      admin: db.admin,
      app: db.app,
      redis: redis.redis,
      keyPrefix: redis.prefix,
      platformDomain: 'tenantkit.localhost',
      dns: wildcardDns,
      mail: {
        async send(message) {
          mails.push(message);
        },
      },
    },
    async close() {
      await redis.close();
      await db.drop();
    },
  };
}

/** Every row of the tenant in every table that has a tenant_id (leaves counted through parents). */
export async function rowsOfTenant(
  db: TestDatabase,
  tenantId: string,
): Promise<Record<string, number>> {
  const tables = await db.admin.sql<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
      and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id')
    order by 1`;
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await db.admin.sql.unsafe<{ n: number }[]>(
      `select count(*)::int as n from "${name}" where tenant_id = $1`,
      [tenantId],
    );
    counts[name] = row?.n ?? 0;
  }
  const [tenant] = await db.admin.sql<
    { n: number }[]
  >`select count(*)::int as n from tenants where id = ${tenantId}`;
  counts.tenants = tenant?.n ?? 0;
  return counts;
}
