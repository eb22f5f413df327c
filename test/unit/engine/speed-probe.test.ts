import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type EngineEvent } from '../../../src-main/engine/engine.ts';
import { parameterCount } from '../../../src-main/engine/model.ts';
import { PRESETS, type TrainingEvent } from '../../../src-main/engine/types.ts';
import { tinyConfig, tinyCorpus } from './helpers.ts';

describe('measuring the training speed', () => {
  let dir: string;
  let engine: Engine;
  let onTraining: (event: TrainingEvent) => void = () => undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'understudy-speed-'));
    const emit = (e: EngineEvent) => (e.kind === 'training' ? onTraining(e.event) : undefined);
    engine = await Engine.create({ modelsDir: dir, emit });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('times Small and Medium with real training steps and scales what it did not time', async () => {
    const before = tf.memory().numTensors;
    // No slow-step cut-off: on a loaded machine Small could otherwise stop the probe before Medium.
    const speed = await engine.measureTrainingSpeed({ warmupSteps: 0, steps: 1, slowStepMs: 600_000 });
    expect(tf.memory().numTensors).toBe(before);
    if (speed === null) throw new Error('the probe was abandoned');
    expect(speed.measured.slice(0, 2)).toEqual(['small', 'medium']);
    const { small, medium, large } = speed.charsPerSecond;
    expect(small).toBeGreaterThan(medium);
    expect(medium).toBeGreaterThan(0);
    if (!speed.measured.includes('large')) {
      // Medium is too slow to reach its best in 10 minutes here, so Large (slower still) is scaled, not timed.
      const ratio = parameterCount(PRESETS.medium, 80) / parameterCount(PRESETS.large, 80);
      expect(large).toBeCloseTo(medium * ratio, 6);
    }
  });

  it('gives way to a training run: refused during one, abandoned when one starts', async () => {
    const corpora = [{ id: 'c', name: 'tiny', text: tinyCorpus() }];
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    onTraining = (event) => {
      if (event.runId === 'run-1' && (event.type === 'done' || event.type === 'error')) finish();
    };
    const probe = engine.measureTrainingSpeed({ warmupSteps: 0, steps: 1, slowStepMs: 600_000 });
    await engine.startTraining({
      runId: 'run-1',
      config: tinyConfig({ budget: { kind: 'steps', steps: 3 } }),
      corpora,
    });
    await expect(probe).resolves.toBeNull();
    await expect(engine.measureTrainingSpeed()).rejects.toMatchObject({ code: 'E_ENGINE_BUSY' });
    await done;
    await expect.poll(() => engine.trainingRunId).toBeNull();
  });
});
