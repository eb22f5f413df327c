import { defineConfig } from 'vitest/config';
import { watPlugin } from './build/vite-plugin-wat.ts';

// `npm run soak`: the long mixed-load run, apart from the reliability suite (not in CI).
export default defineConfig({
  plugins: [watPlugin()],
  test: {
    name: 'soak',
    environment: 'node',
    include: ['test/reliability/soak/*.soak.ts'],
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
