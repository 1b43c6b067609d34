import type { TenantRecord } from '@tenantkit/db';
import { mintAccessToken } from '../lib/credentials.ts';
import type { Target } from '../lib/load.ts';
import type { ScratchDatabase } from '../lib/scratch-db.ts';

/** The base path at which servers/auth.ts serves the task routes without authentication. */
export const ANONYMOUS_BASE = '/bench-anon';

/** What every variant can build its request from: one pooled tenant with a project of tasks. */
export interface AuthFixture {
  db: ScratchDatabase;
  tenant: TenantRecord;
  host: string;
  /** `/v1/projects/{id}/tasks` of the tenant's project. */
  path: string;
  /** The cookie of a signed-in read-only member (lib/credentials.ts). */
  sessionHeaders: Record<string, string>;
}

/**
 * One way of calling the same route. The first entry is the baseline every other one is
 * compared with. A new credential kind is one more entry whose `target` mints its credential
 * from the fixture (e.g. `authorization: Bearer <access token>` for JWTs).
 */
export interface AuthVariant {
  name: string;
  target(fixture: AuthFixture): Target | Promise<Target>;
}

export const AUTH_VARIANTS: readonly AuthVariant[] = [
  {
    name: 'anonymous',
    target: ({ host, path }) => ({ host, path: path.replace(/^\/v1\//, `${ANONYMOUS_BASE}/`) }),
  },
  {
    name: 'session',
    target: ({ host, path, sessionHeaders }) => ({ host, path, headers: sessionHeaders }),
  },
  {
    name: 'jwt',
    target: async ({ db, tenant, host, path }) => ({
      host,
      path,
      headers: { authorization: `Bearer ${await mintAccessToken(db.app, tenant, host)}` },
    }),
  },
];
