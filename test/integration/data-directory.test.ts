import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../src-main/services.ts';
import { SettingsStore } from '../../src-main/settings/settings-store.ts';
import { REPO_ROOT, startTestEngine } from '../support/app-server.ts';

describe('a data directory chosen in settings', () => {
  let root: string;
  let runtime: Runtime;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'understudy-datadir-'));
    const settings = await SettingsStore.openInDirectory(join(root, 'default'));
    await settings.update({ dataDirectory: join(root, 'chosen') });
    runtime = await createRuntime({
      name: 'Understudy',
      version: '0.0.0',
      dataDir: join(root, 'default'),
      resourcesDir: join(REPO_ROOT, 'resources'),
      shell: 'web',
      heartbeatMs: 0,
      speedProbe: false,
      createEngine: startTestEngine,
    });
  });

  afterAll(async () => {
    await runtime?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('holds corpora, models and recovery copies, and is the one the app reports', async () => {
    const info = await runtime.services.app.getInfo();
    expect(info.dataDir).toBe(join(root, 'chosen'));
    expect(existsSync(join(root, 'chosen', 'corpora'))).toBe(true);
    expect(existsSync(join(root, 'chosen', 'models'))).toBe(true);
    expect(existsSync(join(root, 'default', 'corpora'))).toBe(false);
    expect(existsSync(join(root, 'default', 'settings.json'))).toBe(true);
    // The bundled sample corpus and demo model land in the chosen folder too, and the demo is active at once.
    expect(runtime.services.corpora.list().map((c) => c.id)).toContain('sample-shakespeare');
    const demo = JSON.parse(readFileSync(join(REPO_ROOT, 'resources', 'models', 'demo.json'), 'utf8')) as {
      modelId: string;
      name: string;
    };
    expect(existsSync(join(root, 'chosen', 'models', demo.modelId, 'weights.bin'))).toBe(true);
    expect((await runtime.services.engine.status()).activeModelId).toBe(demo.modelId);
    const models = await runtime.services.engine.listModels();
    expect(models.find((m) => m.id === demo.modelId)?.name).toBe(demo.name);
  });
});
