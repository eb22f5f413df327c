import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename } from 'node:path';
import { defineConfig } from 'vite';
import { watPlugin } from './scripts/build/vite-plugin-wat.ts';
import pkg from './package.json' with { type: 'json' };

const external = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies),
  ...Object.keys(pkg.optionalDependencies),
].flatMap((name) => [name, new RegExp(`^${name}/`)]);

const entries = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => [basename(file, '.ts'), `${dir}/${file}`]),
  );

/** Node tools written in TypeScript (scripts/*.ts): built to out/tools/<name>.js, then run with node. */
export default defineConfig({
  plugins: [watPlugin()],
  build: {
    ssr: true,
    outDir: 'out/tools',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: {
      input: entries('scripts'),
      external,
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
});
