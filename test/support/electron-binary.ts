import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Electron executable if one is installed (its download needs the internet), without triggering a download. */
export function findElectronBinary(root = process.cwd()): string | undefined {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : 'electron';
    const candidate = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, name);
    return existsSync(candidate) ? candidate : undefined;
  }
  if (!existsSync(pathFile)) return undefined;
  const candidate = join(dir, 'dist', readFileSync(pathFile, 'utf8'));
  return existsSync(candidate) ? candidate : undefined;
}
