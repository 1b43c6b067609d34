import { randomBytes } from 'node:crypto';
import { type Database, type TenantRecord, withTenant } from '@tenantkit/db';
import {
  createMember,
  createServiceClient,
  createSession,
  issueClientCredentialsToken,
  parseKeyRing,
  provisionTenantIdentity,
  SESSION_COOKIE,
} from '@tenantkit/identity';
import { Redis } from 'ioredis';

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

/**
 * A service client of `tenant` holding `projects:read`, and an access token for it issued the
 * way `POST /oauth/token` issues one (identity services, in this process). The token's `iss`
 * is `http://<host>`, what the api derives for plain-http requests to that host; the api
 * verifies it with the public key the issuance stored, whatever key ring encrypted the private
 * half.
 */
export async function mintAccessToken(
  app: Database,
  tenant: Pick<TenantRecord, 'id' | 'slug' | 'tier' | 'name'>,
  host: string,
): Promise<string> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const base = {
      deps: { db: app, redis, keyPrefix: 'bench-mint:' },
      tenant,
      actor: { actorType: 'system' as const },
    };
    const { clientSecret, client } = await createServiceClient({
      ctx: {
        ...base,
        permissions: new Set(['keys:manage', 'projects:read'] as const),
        accountable: { type: 'user', id: '00000000-0000-4000-8000-000000000000' },
      },
      input: { name: 'bench', scopes: ['projects:read'] },
    });
    const issued = await issueClientCredentialsToken({
      ctx: { ...base, keyRing: parseKeyRing(`mint:${randomBytes(32).toString('base64')}`) },
      input: {
        clientId: client.clientId,
        clientSecret,
        scope: 'projects:read',
        issuer: `http://${host}`,
      },
    });
    return issued.accessToken;
  } finally {
    await redis.quit();
  }
}
