import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend.ts';
import { ModelStore } from '../../../src-main/engine/model-store.ts';
import { createTrainingRun, resumeTrainingRun, type TrainingRun } from '../../../src-main/engine/trainer.ts';
import type { BackendName, CorpusInput, TrainingConfig, TrainingEvent } from '../../../src-main/engine/types.ts';
import { tinyConfig, tinyCorpus } from './helpers.ts';

let backend: BackendName;
let dir: string;
let store: ModelStore;
const corpora: CorpusInput[] = [
  { id: 'c1', name: 'kitchen', text: tinyCorpus(60) },
  { id: 'c2', name: 'rain', text: tinyCorpus(30).toLowerCase() },
];

beforeAll(async () => {
  backend = await initBackend();
  dir = await mkdtemp(join(tmpdir(), 'understudy-trainer-'));
  store = new ModelStore(dir);
  await store.open();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function train(
  config: TrainingConfig,
  control?: (e: TrainingEvent, run: TrainingRun) => void,
): Promise<{ run: TrainingRun; events: TrainingEvent[] }> {
  const events: TrainingEvent[] = [];
  const holder: { run?: TrainingRun } = {};
  const run = await createTrainingRun(config, corpora, {
    runId: `run-${Math.random()}`,
    store,
    backend,
    onEvent: (e) => {
      events.push(e);
      if (holder.run !== undefined) control?.(e, holder.run);
    },
  });
  holder.run = run;
  await run.start();
  return { run, events };
}

const latestWeights = (modelId: string): Promise<Buffer> => readFile(join(dir, modelId, 'training/weights.bin'));

describe('training', () => {
  test('on a tiny corpus the loss falls, evaluations bring samples and a best checkpoint', async () => {
    const { run, events } = await train(
      tinyConfig({
        budget: { kind: 'steps', steps: 40 },
        evalEvery: 20,
        earlyStopping: { enabled: false, patience: 1 },
      }),
    );
    const started = events.find((e) => e.type === 'started');
    expect(started).toMatchObject({ step: 0, totalSteps: 40, backend });
    const evaluations = events.filter((e) => e.type === 'evaluation');
    expect(evaluations.map((e) => e.step)).toEqual([20, 40]);
    const [first, last] = evaluations;
    expect(last!.valNatsPerChar).toBeLessThan(first!.valNatsPerChar);
    expect(last!.valBitsPerChar).toBeCloseTo(last!.valNatsPerChar / Math.LN2, 10);
    expect(last!.samples.map((s) => s.temperature)).toEqual([0.5, 0.8, 1.0]);
    expect(last!.samples.every((s) => s.text.length === 20)).toBe(true);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress[0]).toMatchObject({ step: 1, totalSteps: 40 });
    // Each evaluation step reports its train loss as well, however fast the steps run.
    expect(progress.map((e) => e.step)).toEqual(expect.arrayContaining([20, 40]));
    expect(progress.at(-1)!.charsPerSecond).toBeGreaterThan(0);
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'done', reason: 'budget', step: 40, modelId: run.modelId });
    const summary = (await store.list()).models.find((m) => m.id === run.modelId);
    expect(summary).toMatchObject({
      step: 40,
      bestStep: 40,
      status: 'finished',
      resumable: true,
      vocabSize: expect.any(Number),
    });
    expect(summary!.lossCurve.length).toBeGreaterThanOrEqual(4);
    expect(summary!.lossCurve.at(-1)!.trainLoss).toBeLessThan(summary!.lossCurve[0]!.trainLoss);
    expect(summary!.corpora.map((c) => c.id)).toEqual(['c1', 'c2']);
  });

  test('no tensors are left behind across training steps and runs', async () => {
    await train(tinyConfig({ budget: { kind: 'steps', steps: 4 } }));
    const before = tf.memory().numTensors;
    let during: number[] = [];
    await train(tinyConfig({ budget: { kind: 'steps', steps: 12 } }), (e) => {
      if (e.type === 'checkpoint') during.push(tf.memory().numTensors);
    });
    expect(tf.memory().numTensors).toBe(before);
    // Resident tensors (weights + Adam moments) stay constant between checkpoints.
    during = during.slice(1);
    expect(new Set(during).size).toBe(1);
  });

  test('training is deterministic for a seed (with dropout)', async () => {
    const config = tinyConfig({ model: { embeddingSize: 8, units: 16, layers: 2, dropout: 0.2 } });
    const a = await train(config);
    const b = await train(config);
    expect((await latestWeights(b.run.modelId)).equals(await latestWeights(a.run.modelId))).toBe(true);
    const c = await train({ ...config, seed: 8 });
    expect((await latestWeights(c.run.modelId)).equals(await latestWeights(a.run.modelId))).toBe(false);
  });

  test('cancel then resume equals an uninterrupted run on the same seed', async () => {
    const config = tinyConfig({ model: { embeddingSize: 8, units: 16, layers: 2, dropout: 0.2 } });
    const whole = await train(config);
    const cut = await train(config, (e, run) => {
      if (e.type === 'progress' && e.step === 1) run.cancel();
    });
    expect(cut.events.at(-1)).toMatchObject({ type: 'done', reason: 'cancelled', step: 1 });
    expect((await store.list()).models.find((m) => m.id === cut.run.modelId)).toMatchObject({
      status: 'stopped',
      resumable: true,
    });
    const events: TrainingEvent[] = [];
    const resumed = await resumeTrainingRun({ modelId: cut.run.modelId }, corpora, {
      runId: 'r2',
      store,
      backend,
      onEvent: (e) => events.push(e),
    });
    await resumed.start();
    expect(events[0]).toMatchObject({ type: 'started', step: 1 });
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'budget', step: 12 });
    expect((await latestWeights(cut.run.modelId)).equals(await latestWeights(whole.run.modelId))).toBe(true);
    const vals = (evs: TrainingEvent[]): number[] =>
      evs.flatMap((e) => (e.type === 'evaluation' ? [e.valNatsPerChar] : []));
    expect(vals(events)).toEqual(vals(whole.events));
  });

  test('pause holds training at a step until resumed', async () => {
    let pausedAt = -1;
    const { events } = await train(tinyConfig(), (e, run) => {
      if (e.type === 'progress' && e.step === 1) run.pause();
      if (e.type === 'paused') {
        pausedAt = e.step;
        setTimeout(() => run.resume(), 50);
      }
    });
    expect(pausedAt).toBe(1);
    const types = events.map((e) => e.type);
    expect(types.indexOf('resumed')).toBeGreaterThan(types.indexOf('paused'));
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'budget', step: 12 });
  });

  test('early stopping ends the run after K evaluations without improvement', async () => {
    // A learning rate this large makes validation loss rise after the first evaluation.
    const { events } = await train(
      tinyConfig({
        optimizer: { seqLen: 16, batchSize: 8, learningRate: 2 },
        budget: { kind: 'steps', steps: 200 },
        evalEvery: 2,
        earlyStopping: { enabled: true, patience: 2 },
      }),
    );
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'done', reason: 'early-stopped' });
    const evaluations = events.filter((e) => e.type === 'evaluation');
    expect(evaluations.slice(-2).every((e) => !e.isBest)).toBe(true);
    expect(done?.type === 'done' && done.step).toBeLessThan(200);
    // Continuing with a larger budget gives early stopping a fresh patience.
    const stoppedAt = done?.type === 'done' ? done.step : 0;
    const modelId = done?.type === 'done' ? done.modelId : '';
    const more: TrainingEvent[] = [];
    const resumed = await resumeTrainingRun({ modelId, budget: { kind: 'steps', steps: stoppedAt + 100 } }, corpora, {
      runId: 'more',
      store,
      backend,
      onEvent: (e) => more.push(e),
    });
    await resumed.start();
    const again = more.at(-1);
    expect(again?.type === 'done' && again.step).toBeGreaterThanOrEqual(stoppedAt + 2 * 2);
  });

  test('resuming with different corpora is refused', async () => {
    const { run } = await train(tinyConfig({ budget: { kind: 'steps', steps: 2 } }));
    await expect(
      resumeTrainingRun({ modelId: run.modelId }, [{ id: 'c1', name: 'x', text: 'other text entirely' }], {
        runId: 'x',
        store,
        backend,
        onEvent: () => {},
      }),
    ).rejects.toMatchObject({ code: 'E_CONFLICT' });
  });

  test('an empty corpus list is refused with E_NO_CORPORA', async () => {
    await expect(
      createTrainingRun(tinyConfig(), [], { runId: 'x', store, backend, onEvent: () => {} }),
    ).rejects.toMatchObject({ code: 'E_NO_CORPORA' });
  });
});

describe('budgets', () => {
  test('an epoch budget converts to steps from the training split size', async () => {
    const { events } = await train(tinyConfig({ budget: { kind: 'epochs', epochs: 0.5 }, evalEvery: 1000 }));
    const started = events.find((e) => e.type === 'started');
    const trainChars = started?.type === 'started' ? started.trainChars : 0;
    const expected = Math.ceil(0.5 * Math.floor(trainChars / (8 * 16)));
    expect(started).toMatchObject({ totalSteps: expected });
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'budget', step: expected });
  });

  test('a wall-clock budget stops after the given minutes of training', async () => {
    const t0 = performance.now();
    const { events } = await train(tinyConfig({ budget: { kind: 'minutes', minutes: 0.01 }, evalEvery: 1_000_000 }));
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'budget' });
    expect(performance.now() - t0).toBeGreaterThan(600);
    expect(events.find((e) => e.type === 'started')).toMatchObject({ totalSteps: null });
  });
});
