import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';
import { watPlugin } from '../scripts/build/vite-plugin-wat.ts';

/** `npm run bench` builds the benchmark (and the engine worker it drives) to out/bench/, then runs it with node. */
export default defineConfig({
  plugins: [watPlugin()],
  build: {
    ssr: true,
    outDir: 'out/bench',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: {
      input: {
        bench: 'bench/bench.ts',
        'engine-worker': 'src-main/engine-host/worker.ts',
        'lstm-helper-worker': 'src-main/engine/lstm/lstm-helper-worker.ts',
      },
      external: [/^@tensorflow\//, /^zod/, ...builtinModules, /^node:/],
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
  logLevel: 'warn',
});
