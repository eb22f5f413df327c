import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'vite';
import { watPlugin } from '../../../scripts/build/vite-plugin-wat.ts';
import { REPO_ROOT } from '../../support/app-server.ts';

export const CRASH_CHILD = path.join(REPO_ROOT, 'test/fixtures/corpora/crash-child.mjs');

const ENTRIES = {
  'corpus-store': 'src-main/corpora/corpus-store.ts',
  'document-store': 'src-main/documents/document-store.ts',
  'model-store': 'src-main/engine/model-store.ts',
  'settings-store': 'src-main/settings/settings-store.ts',
};

/** Builds the real stores to plain ESM in `outDir`, so a child process (crash-child.mjs) can run and be killed. */
export async function buildStores(outDir: string): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'silent',
    root: REPO_ROOT,
    // The model store reaches the engine's kernels, written in WebAssembly text.
    plugins: [watPlugin()],
    build: {
      ssr: true,
      outDir,
      emptyOutDir: true,
      minify: false,
      rolldownOptions: {
        input: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(REPO_ROOT, file)])),
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  });
  // Bare imports (zod, chardet, ...) in the build resolve through the repository's node_modules.
  await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(outDir, 'node_modules'), 'dir');
}
