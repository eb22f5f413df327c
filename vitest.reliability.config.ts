import { defineConfig } from 'vitest/config';
import { watPlugin } from './scripts/build/vite-plugin-wat.ts';

// `npm run test:reliability`: fuzzing, crash injection, security and load against the real services. Not part of
// `npm test`; each file appends its figures to test-results/reliability/ and scripts/reliability-report.mjs prints them.
export default defineConfig({
  plugins: [watPlugin()],
  test: {
    name: 'reliability',
    environment: 'node',
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One file at a time: the figures (RSS, latency) must not be skewed by a neighbour on a 2-core machine.
    fileParallelism: false,
    reporters: ['default', 'json'],
    // .ci/run adds this report's counts to the main run's for its last line.
    outputFile: { json: 'test-results/reliability.json' },
  },
});
