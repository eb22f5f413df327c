import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomSuffix, writeFileAtomic } from '../fs/atomic-file.ts';
import type { SettingsStore } from '../settings/settings-store.ts';

const MARKER = 'bundled-models.json';

async function alreadyInstalled(dataDir: string): Promise<string[]> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dataDir, MARKER), 'utf8'));
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Copies each model shipped in resources/models into the data directory once (a writer may delete it later) and,
 * when no model is active yet, makes the first one active so Generate works at once.
 */
export async function installBundledModels(
  bundledDir: string,
  dataDir: string,
  modelsDir: string,
  settings: SettingsStore,
): Promise<string[]> {
  if (!existsSync(bundledDir)) return [];
  await mkdir(modelsDir, { recursive: true });
  const done = await alreadyInstalled(dataDir);
  const ids = (await readdir(bundledDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  const installed: string[] = [];
  for (const id of ids) {
    const target = join(modelsDir, id);
    if (done.includes(id)) continue;
    // Copied before a crash kept the marker from being written: count it as installed now.
    if (existsSync(target)) {
      installed.push(id);
      continue;
    }
    // A dot-prefixed temp directory is discarded by the model store if a crash interrupts the copy.
    const temp = join(modelsDir, `.${id}.install-${randomSuffix()}`);
    try {
      await cp(join(bundledDir, id), temp, { recursive: true });
      await rename(temp, target);
      installed.push(id);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
  }
  if (installed.length === 0) return [];
  await writeFileAtomic(join(dataDir, MARKER), `${JSON.stringify([...done, ...installed])}\n`);
  const first = installed[0];
  if (settings.get().activeModelId === null && first) await settings.update({ activeModelId: first });
  return installed;
}
