import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Vitest settings shared by every package. Each package's `vitest.config.ts` merges this with
 * `mergeConfig`. Besides the console reporter, every run writes `test-results.json` in the package
 * directory; `.ci/run` sums those files into its closing `N passed, N failed` line.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    // Tests are not timed (speed lives in benchmarks): exhaustive and property tests may take
    // tens of seconds on a loaded two-core machine, so only a hung test should time out.
    testTimeout: 120_000,
    setupFiles: [fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))],
  },
});
