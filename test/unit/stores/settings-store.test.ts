import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonFileBackend, type KeyValueBackend } from '../../../src-main/settings/key-value-backend.ts';
import { DEFAULT_SETTINGS, SETTINGS_VERSION } from '../../../src-main/settings/schema.ts';
import { SettingsStore } from '../../../src-main/settings/settings-store.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();

async function storedJson(dir: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
}

describe('SettingsStore', () => {
  it('starts with defaults and persists valid changes', async () => {
    const dir = await tempDir();
    const store = await SettingsStore.openInDirectory(dir);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(store.migratedFrom).toBeNull();
    const seen: number[] = [];
    const unsubscribe = store.onChange((settings) => seen.push(settings.temperature));
    await store.update({
      temperature: 1.2,
      theme: 'dark',
      windowBounds: { width: 1200, height: 800, maximized: false },
      seed: 42,
    });
    unsubscribe();
    await store.update({ temperature: 0.5 });
    expect(seen).toEqual([1.2]);
    const reopened = await SettingsStore.openInDirectory(dir);
    expect(reopened.get()).toMatchObject({ temperature: 0.5, theme: 'dark', seed: 42, windowBounds: { width: 1200 } });
    expect(await storedJson(dir)).toMatchObject({ schemaVersion: SETTINGS_VERSION, temperature: 0.5 });
  });

  it('rejects invalid values with E_INVALID_SETTINGS and stores nothing', async () => {
    const dir = await tempDir();
    const store = await SettingsStore.openInDirectory(dir);
    const before = await storedJson(dir);
    for (const patch of [
      { temperature: 9 },
      { theme: 'neon' },
      { alternatives: 2.5 },
      { unknownKey: 1 },
      { preset: 'medium', length: -1 },
      'nope',
    ]) {
      await expect(store.update(patch)).rejects.toMatchObject({ code: 'E_INVALID_SETTINGS' });
    }
    await expect(store.update({ topP: 0 })).rejects.toThrow(/topP/);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(await storedJson(dir)).toEqual(before);
  });

  it('migrates a version 1 settings file to the current schema', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'settings.json'),
      JSON.stringify({
        version: 1,
        temperature: 0.6,
        length: 900,
        theme: 'auto',
        model: 'model-7',
        recent: ['/s/a.fountain'],
        windowBounds: null,
      }),
    );
    const store = await SettingsStore.openInDirectory(dir);
    expect(store.migratedFrom).toBe(1);
    expect(store.get()).toEqual({
      ...DEFAULT_SETTINGS,
      temperature: 0.6,
      length: 900,
      theme: 'system',
      activeModelId: 'model-7',
      recentFiles: ['/s/a.fountain'],
    });
    expect(await storedJson(dir)).toEqual({ schemaVersion: SETTINGS_VERSION, ...store.get() });
  });

  it('migrates a version 2 size limit in megabytes and repairs invalid stored values to defaults', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'settings.json'),
      JSON.stringify({ schemaVersion: 2, maxCorpusMb: 10, preset: 'huge', alternatives: 3 }),
    );
    const store = await SettingsStore.openInDirectory(dir);
    expect(store.get()).toMatchObject({ maxCorpusBytes: 10 * 1024 * 1024, preset: 'medium', alternatives: 3 });
    expect(store.repairedKeys).toEqual(['preset']);
  });

  it('keeps a corrupt settings file aside and starts from defaults', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'settings.json'), '{"temperature": 0.');
    const store = await SettingsStore.openInDirectory(dir);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect((await readdir(dir)).some((name) => name.startsWith('settings.json.corrupt-'))).toBe(true);
  });

  it('works over any KeyValueBackend and backs the recent-files list', async () => {
    let stored: Record<string, unknown> | null = { schemaVersion: 3, tourSeen: true };
    const backend: KeyValueBackend = {
      read: async () => stored,
      write: async (values) => {
        stored = values;
      },
    };
    const store = await SettingsStore.open(backend);
    expect(store.get().tourSeen).toBe(true);
    const recent = store.recentFilesStore();
    await recent.write(['/a.fountain']);
    expect(await recent.read()).toEqual(['/a.fountain']);
    expect(stored).toMatchObject({ recentFiles: ['/a.fountain'] });
    expect(new JsonFileBackend('/x/settings.json').file).toBe('/x/settings.json');
  });
});
