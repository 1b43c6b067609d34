/**
 * `pnpm bench auth`: the same task-list route with each credential of AUTH_VARIANTS against
 * the route without authentication, from one server process in the same run; then password
 * verifications per second with the production argon2 parameters.
 */

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTenant, uuidv7 } from '@tenantkit/db';
import { apiServerEnv, PLATFORM_DOMAIN } from '../lib/api-env.ts';
import { signInReader } from '../lib/credentials.ts';
import { insertProjectsAndTasks } from '../lib/fixtures.ts';
import { fetchTaskPage } from '../lib/http.ts';
import type { Target } from '../lib/load.ts';
import { type Measured, measure } from '../lib/measure.ts';
import { COMMON_USAGE, parseOptions, positive, progress } from '../lib/options.ts';
import { summarizeProfile } from '../lib/profile.ts';
import { createScratchDatabase, type ScratchDatabase } from '../lib/scratch-db.ts';
import { startServer } from '../lib/servers.ts';
import { measureLogins } from './logins.ts';
import { report } from './report.ts';
import { AUTH_VARIANTS, type AuthFixture } from './variants.ts';

const USAGE = `pnpm bench auth [options]
${COMMON_USAGE}
  --rounds N         measure every variant N times, alternating the order; medians reported
  --login-seconds N  seconds of password verifications per measurement (default 3)
  --profile          run the server under --cpu-prof and print where its CPU goes (slower)`;

const DATABASE = 'tk_bench_auth';

export async function runAuthBench(argv: string[]): Promise<void> {
  const { common, extra } = parseOptions(
    argv,
    {
      rounds: { type: 'string', default: '2' },
      'login-seconds': { type: 'string', default: '3' },
      profile: { type: 'boolean', default: false },
    },
    USAGE,
  );
  const rounds = positive('rounds', extra.rounds);
  const loginSeconds = positive('login-seconds', extra['login-seconds']);
  const db = await createScratchDatabase(DATABASE);
  try {
    progress(`seeding ${DATABASE}`);
    const fixture = await seed(db);
    const targets = new Map<string, Target>();
    for (const variant of AUTH_VARIANTS) targets.set(variant.name, await variant.target(fixture));

    const results = new Map<string, Measured[]>();
    const profileDir = extra.profile
      ? await mkdtemp(join(tmpdir(), 'tk-bench-profile-'))
      : undefined;
    const server = await startServer(
      'auth',
      apiServerEnv(db.adminUrl, { ...common, bench: 'auth' }),
      {
        nodeOptions: profileDir
          ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=250']
          : [],
      },
    );
    try {
      for (const [name, target] of targets) {
        const ids = await fetchTaskPage(server.url, target);
        if (ids.length !== 20)
          throw new Error(`${name}: expected a page of 20 tasks, got ${ids.length}`);
      }
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? AUTH_VARIANTS : [...AUTH_VARIANTS].reverse();
        for (const { name } of order) {
          const target = targets.get(name) as Target;
          const result = await measure(
            `round ${round + 1}/${rounds} ${name}`,
            server.url,
            [target],
            {
              ...common,
              servingPids: async () => ({ server: [server.pid], database: await db.backendPids() }),
            },
          );
          results.set(name, [...(results.get(name) ?? []), result]);
        }
      }
    } finally {
      await server.stop();
    }
    if (profileDir) {
      console.log('\nauth server, every variant together (profiling slows it down)\n');
      console.log(await summarizeProfile(profileDir, server.readyAtMicros));
      console.log(`\nprofile kept in ${profileDir}`);
    }

    progress(
      `password verifications: ${loginSeconds} s one at a time, then ${loginSeconds} s 2 at a time`,
    );
    const logins = [await measureLogins(loginSeconds, 1), await measureLogins(loginSeconds, 2)];
    report(
      AUTH_VARIANTS.map((v) => v.name),
      results,
      logins,
      { ...common, rounds },
    );
  } finally {
    await db.finish({ keep: common.keep });
  }
}

async function seed(db: ScratchDatabase): Promise<AuthFixture> {
  const slug = 'bench-auth';
  const { tenant } = await createTenant({
    admin: db.admin.sql,
    input: { slug, name: 'Bench auth', tier: 'pooled', platformDomain: PLATFORM_DOMAIN },
  });
  const projectId = uuidv7();
  const sessionHeaders = await signInReader(db.app, tenant);
  await db.admin.sql.begin((tx) =>
    insertProjectsAndTasks(tx, [{ id: tenant.id, tier: 'pooled', projectIds: [projectId] }], 50),
  );
  await db.admin.sql`analyze projects, tasks_pooled`;
  return {
    db,
    tenant,
    host: `${slug}.${PLATFORM_DOMAIN}`,
    path: `/v1/projects/${projectId}/tasks`,
    sessionHeaders,
  };
}
