import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../src-main/contract/index.ts';
import {
  machineId,
  readTrainingSpeed,
  TRAINING_SPEED_FILE,
  writeTrainingSpeed,
} from '../../src-main/app/training-speed-record.ts';
import { recommendedPreset } from '../../src-main/engine/presets.ts';
import { startInMemoryApp } from '../support/app-server.ts';

type App = Awaited<ReturnType<typeof startInMemoryApp>>;

function value<T>(result: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

// One real training step per preset keeps each measurement to a second or two on wasm.
const quickProbe = { warmupSteps: 0, steps: 1, slowStepMs: 600_000 };

describe('the default preset follows the measured training speed', () => {
  const apps: App[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  async function closeApp(app: App): Promise<void> {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  }

  async function start(dataDir?: string): Promise<App> {
    // The delay lets a test subscribe to the pushed status before the measurement starts.
    const app = await startInMemoryApp({
      speedProbe: quickProbe,
      speedProbeDelayMs: 300,
      ...(dataDir === undefined ? {} : { dataDir }),
    });
    apps.push(app);
    return app;
  }

  it('measures on a first start, stores it, pushes the new status and retimes every corpus', async () => {
    const app = await start();
    const pushed = new Promise<EngineStatus>((resolve) => app.api.engine.onStatusChanged(resolve));
    await app.runtime.services.engine.speedMeasured();
    const status = await pushed;
    const speed = status.trainingSpeed;
    if (speed === null) throw new Error('no speed in the pushed status');
    expect(speed.measured).toContain('medium');
    expect(speed.charsPerSecond.small).toBeGreaterThan(speed.charsPerSecond.medium);
    expect(status.recommendedPreset).toBe(recommendedPreset(status.backend, speed.charsPerSecond));
    expect(speed.minutesToBest.medium).toBeCloseTo(9_600_000 / speed.charsPerSecond.medium / 60, 6);
    expect(value(await app.api.engine.getStatus())).toEqual(status);

    const stored = JSON.parse(await readFile(join(app.dataDir, TRAINING_SPEED_FILE), 'utf8')) as {
      backend: string;
      charsPerSecond: unknown;
    };
    expect(stored).toMatchObject({ backend: status.backend, charsPerSecond: speed.charsPerSecond });

    const [sample] = value(await app.api.corpora.list());
    if (sample === undefined) throw new Error('no sample corpus');
    expect(sample.estimatedTrainingSeconds.medium).toBe(Math.ceil(sample.stats.chars / speed.charsPerSecond.medium));
  });

  it('reuses a stored measurement on the next start and measures again when the file is damaged', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'understudy-speed-'));
    try {
      const first = await start(dataDir);
      await first.runtime.services.engine.speedMeasured();
      const measured = value(await first.api.engine.getStatus()).trainingSpeed;
      expect(measured).not.toBeNull();
      await closeApp(first);

      const second = await start(dataDir);
      expect(value(await second.api.engine.getStatus()).trainingSpeed).toEqual(measured);
      await second.runtime.services.engine.speedMeasured();
      expect(value(await second.api.engine.getStatus()).trainingSpeed?.measuredAt).toBe(measured?.measuredAt);
      await closeApp(second);

      await writeFile(join(dataDir, TRAINING_SPEED_FILE), '{ "version": 1, "backend": "wa');
      const third = await start(dataDir);
      expect(value(await third.api.engine.getStatus()).trainingSpeed).toBeNull();
      await third.runtime.services.engine.speedMeasured();
      const remeasured = value(await third.api.engine.getStatus()).trainingSpeed;
      expect(remeasured).not.toBeNull();
      expect(remeasured?.measuredAt).not.toBe(measured?.measuredAt);
      await closeApp(third);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("a finished run's own speed replaces the stored figure for its preset", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'understudy-speed-'));
    try {
      const probe = await startInMemoryApp({ dataDir, speedProbe: false });
      const { backend } = value(await probe.api.engine.getStatus());
      await probe.close();
      const seeded = { small: 1234, medium: 567, large: 89 };
      await writeTrainingSpeed(join(dataDir, TRAINING_SPEED_FILE), {
        version: 1,
        backend,
        machine: machineId(),
        measuredAt: '2026-01-01T00:00:00.000Z',
        charsPerSecond: seeded,
        measured: ['small', 'medium'],
      });
      const app = await startInMemoryApp({ dataDir, speedProbe: false });
      apps.push(app);
      expect(value(await app.api.engine.getStatus()).trainingSpeed?.charsPerSecond).toEqual(seeded);
      const pushed = new Promise<EngineStatus>((resolve) => app.api.engine.onStatusChanged(resolve));
      const corpusIds = value(await app.api.corpora.list()).map((c) => c.id);
      value(
        await app.api.training.start({
          corpusIds,
          preset: 'small',
          budget: { kind: 'steps', steps: 12 },
          evalEvery: 12,
          sampleLength: 0,
        }),
      );
      const speed = (await pushed).trainingSpeed;
      expect(speed?.charsPerSecond.small).not.toBe(seeded.small);
      expect(speed?.charsPerSecond.small).toBeGreaterThan(0);
      expect(speed?.charsPerSecond.medium).toBe(seeded.medium);
      const stored = await readTrainingSpeed(join(dataDir, TRAINING_SPEED_FILE), backend);
      expect(stored?.charsPerSecond.small).toBe(speed?.charsPerSecond.small);
      await closeApp(app);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
