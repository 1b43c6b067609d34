import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// End-to-end: the whole api in-process on a real port, driven by Debian's Chromium.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    // infra/local/test.sh sets TK_TEST_RESULTS to collect counts for its closing line.
    reporters: process.env.TK_TEST_RESULTS ? ['default', 'json'] : ['default'],
    outputFile: { json: `${process.env.TK_TEST_RESULTS ?? '.'}/e2e.json` },
    include: ['e2e/tests/**/*.e2e.test.ts'],
    globalSetup: ['packages/testing/src/global-setup.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 1 } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { LOG_LEVEL: 'silent' },
  },
});
