import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';
import { watPlugin } from './scripts/build/vite-plugin-wat.ts';
import pkg from './package.json' with { type: 'json' };

const external = [
  'electron',
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies),
  ...Object.keys(pkg.optionalDependencies),
].flatMap((name) => [name, new RegExp(`^${name}/`)]);

/** Main process, the loopback server and the engine worker: ESM for Node/Electron, dependencies left external. */
export default defineConfig({
  plugins: [watPlugin()],
  build: {
    ssr: true,
    outDir: 'out/main',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    rollupOptions: {
      input: {
        index: 'src-main/index.ts',
        web: 'src-main/web.ts',
        'engine-worker': 'src-main/engine-host/worker.ts',
        'lstm-helper-worker': 'src-main/engine/lstm/lstm-helper-worker.ts',
      },
      external,
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
});
