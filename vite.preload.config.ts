import { defineConfig } from 'vite';

/** The preload, bundled as one CommonJS file: sandboxed preloads cannot load ES modules or node_modules. */
export default defineConfig({
  build: {
    outDir: 'out/preload',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    lib: {
      entry: 'src-main/preload/index.ts',
      formats: ['cjs'],
      fileName: () => 'index.cjs',
    },
    rollupOptions: { external: ['electron'] },
  },
});
