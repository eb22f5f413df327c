import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PRODUCT_NAME = 'Understudy';

/** Same folder Electron's app.getPath('userData') gives, so the desktop app and `npm run web` share data. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.UNDERSTUDY_DATA_DIR) return resolve(env.UNDERSTUDY_DATA_DIR);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}

/** The repository (or unpacked app) root, given `import.meta.url` of an entry file built into out/main/. */
export function appRoot(fromUrl: string): string {
  return resolve(dirname(fileURLToPath(fromUrl)), '..', '..');
}
