import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { watPlugin } from './scripts/build/vite-plugin-wat.ts';

// Four projects: pure Node code, the wasm engine's kernels again with relaxed SIMD on (Node 20 needs the flag that
// Electron's V8 does not), Svelte components in jsdom, and the real UI in Chromium.
export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      {
        plugins: [watPlugin()],
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
          exclude: ['test/unit/renderer/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        plugins: [watPlugin()],
        test: {
          name: 'node-relaxed-simd',
          environment: 'node',
          include: ['test/unit/engine-fast/**/*.test.ts'],
          execArgv: ['--experimental-wasm-relaxed-simd'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        plugins: [svelte(), watPlugin()],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: ['test/unit/renderer/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        plugins: [watPlugin()],
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
