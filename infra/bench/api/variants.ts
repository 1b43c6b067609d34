import { ANONYMOUS_BASE } from '../auth/variants.ts';
import { apiServerEnv } from '../lib/api-env.ts';
import type { Target } from '../lib/load.ts';
import type { ScratchDatabase } from '../lib/scratch-db.ts';
import type { ServerKind } from '../lib/servers.ts';
import type { ApiFixtures } from './fixtures.ts';

/** One server configuration the api bench measures. */
export interface Variant {
  /**
   * `full` is compared with the faster of `bare` (postgres.js with `prepare: false`) and
   * `bare/prepared` (postgres.js defaults: a named statement, cached generic plan); the
   * others only explain the gap.
   */
  name:
    | 'bare'
    | 'bare/prepared'
    | 'bare+tx'
    | 'bare+tx/prepared'
    | 'bare+simple'
    | 'full'
    | 'full/no-auth';
  kind: ServerKind;
  env: () => Record<string, string>;
  /** Where this server serves the tier's request, if not at the fixture's own path. */
  target?: (target: Target) => Target;
}

/**
 * bare and full always; with `breakdown`, the bare server also runs withTenant's statement
 * sequence as the runtime role (RLS on), without prepared statements like the api, and with.
 */
export function variants(
  db: ScratchDatabase,
  fixtures: ApiFixtures,
  { poolMax, breakdown }: { poolMax: number; breakdown: boolean },
): Variant[] {
  const bare =
    (mode: string, url: string, prepare = false) =>
    () => ({
      BENCH_DATABASE_URL: url,
      BENCH_POOL_MAX: String(poolMax),
      BENCH_ROUTES: JSON.stringify(fixtures.routes),
      BENCH_BARE_MODE: mode,
      BENCH_PREPARE: String(prepare),
    });
  const full: Variant = {
    name: 'full',
    kind: 'api',
    env: () => apiServerEnv(db.adminUrl, { poolMax, bench: 'api' }),
  };
  return [
    { name: 'bare', kind: 'bare', env: bare('plain', db.adminUrl) },
    { name: 'bare/prepared', kind: 'bare', env: bare('plain', db.adminUrl, true) },
    ...(breakdown
      ? ([
          { name: 'bare+tx', kind: 'bare', env: bare('tenant-tx', db.appUrl) },
          { name: 'bare+tx/prepared', kind: 'bare', env: bare('tenant-tx', db.appUrl, true) },
          { name: 'bare+simple', kind: 'bare', env: bare('tenant-simple', db.appUrl) },
        ] satisfies Variant[])
      : []),
    full,
    // What the foundation costs without issue 3's authentication: the same app and route
    // behind the same middleware, a fixed reader in place of apiGuard (authentication and the
    // /v1 rate limits; servers/auth.ts, as `pnpm bench auth`'s baseline). Not judged.
    {
      name: 'full/no-auth',
      kind: 'auth',
      env: () => apiServerEnv(db.adminUrl, { poolMax, bench: 'api' }),
      target: ({ host, path, ...rest }) => ({
        ...rest,
        host,
        path: path.replace(/^\/v1\//, `${ANONYMOUS_BASE}/`),
      }),
    },
  ];
}
