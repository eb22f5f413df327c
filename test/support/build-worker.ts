import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { watPlugin } from '../../scripts/build/vite-plugin-wat.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCES = ['src-main/engine', 'src-main/engine-host', 'src-main/contract'];
const CACHE = join(ROOT, 'node_modules/.cache/understudy-engine-worker');

async function sourceStamp(): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.ts') || entry.name.endsWith('.wat')) {
        const s = await stat(path);
        hash.update(`${path}:${s.mtimeMs}:${s.size}\n`);
      }
    }
  };
  for (const dir of SOURCES) await walk(join(ROOT, dir));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Builds src-main/engine-host/worker.ts to an ESM file under node_modules/.cache (so its bare imports resolve
 * to the project's node_modules), rebuilding only when an engine source changed. Returns the script path.
 */
export async function buildEngineWorker(): Promise<string> {
  const stamp = await sourceStamp();
  const dir = join(CACHE, stamp);
  const script = join(dir, 'engine-worker.js');
  if (existsSync(script)) return script;
  const temp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'silent',
    plugins: [watPlugin()],
    build: {
      ssr: true,
      outDir: temp,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: {
        input: {
          'engine-worker': join(ROOT, 'src-main/engine-host/worker.ts'),
          'lstm-helper-worker': join(ROOT, 'src-main/engine/lstm/lstm-helper-worker.ts'),
        },
        external: [/^@tensorflow\//, /^zod/, ...builtinModules, /^node:/],
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  });
  try {
    await rename(temp, dir);
  } catch {
    // Another test process built the same sources first.
    await rm(temp, { recursive: true, force: true });
  }
  return script;
}
