import { type Database, type TenantRecord, withTenant } from '@tenantkit/db';
import {
  createMember,
  createSession,
  provisionTenantIdentity,
  SESSION_COOKIE,
} from '@tenantkit/identity';

/** The least role that may list tasks (`projects:read`). */
const READER_ROLES = ['viewer'];

/**
 * Signs a new read-only member into `tenant` the way the api's own tests do (identity services,
 * no password, so no argon2 work) and returns the headers that carry the session: the /v1 routes
 * answer 401 without one. Runs as the runtime role, like any request would.
 */
export async function signInReader(
  app: Database,
  tenant: Pick<TenantRecord, 'id' | 'slug' | 'tier' | 'name'>,
): Promise<Record<string, string>> {
  const token = await withTenant(app, tenant.id, async (tx) => {
    await provisionTenantIdentity(tx, tenant);
    const { user } = await createMember(
      tx,
      tenant,
      { actorType: 'system' },
      { email: `bench-reader@${tenant.slug}.test`, roleKeys: READER_ROLES },
    );
    return (await createSession(tx, tenant, { userId: user.id })).token;
  });
  return { cookie: `${SESSION_COOKIE}=${token}` };
}

/** `signInReader` for many tenants, a few at a time; results in the order given. */
export async function signInReaders(
  app: Database,
  tenants: Pick<TenantRecord, 'id' | 'slug' | 'tier' | 'name'>[],
  concurrency = 4,
): Promise<Record<string, string>[]> {
  const headers: Record<string, string>[] = new Array(tenants.length);
  let next = 0;
  const worker = async () => {
    while (next < tenants.length) {
      const i = next++;
      const tenant = tenants[i];
      if (tenant) headers[i] = await signInReader(app, tenant);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return headers;
}
