import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One run for every package and app: unit tests beside the code, integration tests against
// the real Postgres and Redis that infra/local/test.sh found or started.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    // infra/local/test.sh sets TK_TEST_RESULTS to collect counts for its closing line.
    reporters: process.env.TK_TEST_RESULTS ? ['default', 'json'] : ['default'],
    outputFile: { json: `${process.env.TK_TEST_RESULTS ?? '.'}/unit.json` },
    include: ['packages/*/{src,test}/**/*.test.ts', 'apps/*/{src,test}/**/*.test.ts'],
    globalSetup: ['packages/testing/src/global-setup.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 3, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { LOG_LEVEL: 'silent' },
  },
});
