/**
 * `pnpm bench api`: the full api against a bare Hono + postgres.js baseline, on the same data,
 * pool size, connections and duration; one server process at a time, load from another.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORM_DOMAIN } from '../lib/api-env.ts';
import { fetchTaskPage } from '../lib/http.ts';
import { type Measured, measure } from '../lib/measure.ts';
import { COMMON_USAGE, parseOptions, positive, progress } from '../lib/options.ts';
import { summarizeProfile } from '../lib/profile.ts';
import { createScratchDatabase } from '../lib/scratch-db.ts';
import { startServer } from '../lib/servers.ts';
import { seedApiFixtures, TIERS, type Tier } from './fixtures.ts';
import { report } from './report.ts';
import { type Variant, variants } from './variants.ts';

const USAGE = `pnpm bench api [options]
${COMMON_USAGE}
  --rounds N       repeat every server N times, alternating the order; medians reported
  --breakdown      also run the bare server with withTenant's statements as the runtime role
  --profile        run the servers under --cpu-prof and print where their CPU goes (slower)`;

const DATABASE = 'tk_bench_api';

export async function runApiBench(argv: string[]): Promise<void> {
  const { common, extra } = parseOptions(
    argv,
    {
      rounds: { type: 'string', default: '1' },
      breakdown: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
    },
    USAGE,
  );
  const rounds = positive('rounds', extra.rounds);
  const profileDir = extra.profile ? await mkdtemp(join(tmpdir(), 'tk-bench-profile-')) : undefined;
  const db = await createScratchDatabase(DATABASE);
  try {
    progress(`seeding ${DATABASE}`);
    const fixtures = await seedApiFixtures(db, PLATFORM_DOMAIN);
    const all = variants(db, fixtures, {
      poolMax: common.poolMax,
      breakdown: extra.breakdown === true,
    });
    const results = new Map<string, Measured[]>();
    const profiles: { variant: Variant; dir: string; readyAtMicros: number }[] = [];
    const firstPages = new Map<Tier, string>();

    for (let round = 0; round < rounds; round++) {
      for (const variant of round % 2 === 0 ? all : [...all].reverse()) {
        progress(`round ${round + 1}/${rounds}: starting ${variant.name} server`);
        const dir = profileDir && round === 0 ? join(profileDir, variant.name) : undefined;
        const server = await startServer(variant.kind, variant.env(), {
          nodeOptions: dir
            ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=250']
            : [],
        });
        if (dir) profiles.push({ variant, dir, readyAtMicros: server.readyAtMicros });
        try {
          for (const tier of TIERS) {
            const label = `${variant.name}/${tier}`;
            const target = variant.target?.(fixtures.targets[tier]) ?? fixtures.targets[tier];
            await expectSamePage(label, server.url, target, firstPages, tier);
            const result = await measure(label, server.url, [target], {
              ...common,
              servingPids: async () => ({ server: [server.pid], database: await db.backendPids() }),
            });
            results.set(label, [...(results.get(label) ?? []), result]);
          }
        } finally {
          await server.stop();
        }
      }
    }
    for (const { variant, dir, readyAtMicros } of profiles) {
      console.log(`\n${variant.name} server, round 1 (profiling slows it down)\n`);
      console.log(await summarizeProfile(dir, readyAtMicros));
    }
    if (profileDir) console.log(`\nprofiles kept in ${profileDir}`);
    report(
      all.map((v) => v.name),
      results,
      { ...common, rounds },
    );
  } finally {
    await db.finish({ keep: common.keep });
  }
}

/** Every server must answer the same 20 tasks, or the comparison is not of the same work. */
async function expectSamePage(
  label: string,
  url: string,
  target: { host: string; path: string },
  firstPages: Map<Tier, string>,
  tier: Tier,
): Promise<void> {
  const ids = await fetchTaskPage(url, target);
  if (ids.length !== 20)
    throw new Error(`${label}: expected a page of 20 tasks, got ${ids.length}`);
  const seen = firstPages.get(tier);
  if (seen === undefined) firstPages.set(tier, ids.join(','));
  else if (seen !== ids.join(',')) throw new Error(`${label}: not the page the first server gave`);
}
