/**
 * `pnpm bench <name> [options]`: runs one benchmark; without a name, lists them.
 * Each benchmark prints a table, then one JSON object per line as its last output.
 */
interface Benchmark {
  summary: string;
  run(argv: string[]): Promise<void>;
}

const benchmarks: Record<string, Benchmark> = {
  api: {
    summary:
      'GET /v1/projects/{id}/tasks: full api (resolver, RLS, withTenant) vs bare Hono+postgres.js',
    run: async (argv) => (await import('./api/bench.ts')).runApiBench(argv),
  },
  auth: {
    summary:
      'list-tasks with a session cookie vs unauthenticated (same server), argon2 logins per second',
    run: async (argv) => (await import('./auth/bench.ts')).runAuthBench(argv),
  },
  tenants: {
    summary: 'list-tasks through the api at 10 / 1,000 / 10,000 tenants, 10% and 50% dedicated',
    run: async (argv) => (await import('./tenants/bench.ts')).runTenantsBench(argv),
  },
  tls: {
    summary: 'TLS handshakes/s: SNI certificate lookup from the store vs one static certificate',
    run: async (argv) => (await import('./tls/bench.ts')).runTlsBench(argv),
  },
  ops: {
    summary: 'onboarding throughput per tier; online tier move of 100,000 tasks under writes',
    run: async (argv) => (await import('./ops/bench.ts')).runOpsBench(argv),
  },
};

const [name, ...argv] = process.argv.slice(2);
const bench = name ? benchmarks[name] : undefined;
if (!bench) {
  if (name) console.error(`unknown benchmark: ${name}\n`);
  console.log('usage: pnpm bench <name> [--duration N] [--connections N] [--help]\n');
  for (const [key, { summary }] of Object.entries(benchmarks))
    console.log(`  ${key.padEnd(8)} ${summary}`);
  process.exit(name ? 2 : 0);
}
try {
  await bench.run(argv);
  process.exit(0);
} catch (error) {
  console.error(error);
  process.exit(1);
}
