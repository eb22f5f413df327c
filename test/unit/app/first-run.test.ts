import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installBundledModels } from '../../../src-main/app/first-run.ts';
import { SettingsStore } from '../../../src-main/settings/settings-store.ts';

describe('bundled models on first launch', () => {
  let root: string;
  let bundled: string;
  let dataDir: string;
  let modelsDir: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'understudy-first-run-'));
    bundled = join(root, 'resources', 'models');
    dataDir = join(root, 'data');
    modelsDir = join(dataDir, 'models');
    for (const id of ['m-demo-b', 'm-demo-a']) {
      await mkdir(join(bundled, id, 'training'), { recursive: true });
      await writeFile(join(bundled, id, 'metadata.json'), JSON.stringify({ id }));
      await writeFile(join(bundled, id, 'training', 'state.json'), '{}');
    }
    await writeFile(join(bundled, 'demo.json'), '{}');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('copies every bundled model once and makes the first active', async () => {
    const settings = await SettingsStore.openInDirectory(dataDir);
    expect(await installBundledModels(bundled, dataDir, modelsDir, settings)).toEqual(['m-demo-a', 'm-demo-b']);
    expect((await readdir(modelsDir)).sort()).toEqual(['m-demo-a', 'm-demo-b']);
    expect(JSON.parse(await readFile(join(modelsDir, 'm-demo-a', 'metadata.json'), 'utf8'))).toEqual({
      id: 'm-demo-a',
    });
    expect(existsSync(join(modelsDir, 'm-demo-a', 'training', 'state.json'))).toBe(true);
    expect(settings.get().activeModelId).toBe('m-demo-a');
  });

  it('does not bring back a bundled model the writer deleted, nor replace their active model', async () => {
    const settings = await SettingsStore.openInDirectory(dataDir);
    await installBundledModels(bundled, dataDir, modelsDir, settings);
    await rm(join(modelsDir, 'm-demo-a'), { recursive: true });
    await settings.update({ activeModelId: 'm-mine' });
    expect(await installBundledModels(bundled, dataDir, modelsDir, settings)).toEqual([]);
    expect(existsSync(join(modelsDir, 'm-demo-a'))).toBe(false);
    expect(settings.get().activeModelId).toBe('m-mine');
  });

  it('finishes an install a crash interrupted after the copy: recorded and active, not copied again', async () => {
    const settings = await SettingsStore.openInDirectory(dataDir);
    await mkdir(join(modelsDir, 'm-demo-a'), { recursive: true });
    await writeFile(join(modelsDir, 'm-demo-a', 'metadata.json'), JSON.stringify({ id: 'm-demo-a', kept: true }));
    expect(await installBundledModels(bundled, dataDir, modelsDir, settings)).toEqual(['m-demo-a', 'm-demo-b']);
    expect(JSON.parse(await readFile(join(modelsDir, 'm-demo-a', 'metadata.json'), 'utf8'))).toEqual({
      id: 'm-demo-a',
      kept: true,
    });
    expect(settings.get().activeModelId).toBe('m-demo-a');
    expect(await installBundledModels(bundled, dataDir, modelsDir, settings)).toEqual([]);
  });

  it('does nothing when the app ships no models', async () => {
    const settings = await SettingsStore.openInDirectory(dataDir);
    expect(await installBundledModels(join(root, 'nowhere'), dataDir, modelsDir, settings)).toEqual([]);
    expect(settings.get().activeModelId).toBeNull();
  });
});
