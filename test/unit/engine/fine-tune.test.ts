import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend.ts';
import { disposeWeights, forward, weightsFromValues, zeroState } from '../../../src-main/engine/model.ts';
import { ModelStore } from '../../../src-main/engine/model-store.ts';
import {
  createTrainingRun,
  MAX_NEW_CHARACTERS,
  resumeTrainingRun,
  type TrainingRun,
} from '../../../src-main/engine/trainer.ts';
import type { BackendName, CorpusInput, TrainingConfig, TrainingEvent } from '../../../src-main/engine/types.ts';
import { scheduledLearningRate } from '../../../src-main/engine/train-step.ts';
import { Vocab } from '../../../src-main/engine/vocab.ts';
import { tinyConfig, tinyCorpus } from './helpers.ts';

let backend: BackendName;
let dir: string;
let store: ModelStore;
let baseId: string;
const baseCorpora: CorpusInput[] = [{ id: 'base-1', name: 'kitchen', text: tinyCorpus(60) }];
/** Ten characters the base has never seen. */
const NEW_CHARACTERS = '0123456789';
const writerCorpora: CorpusInput[] = [
  { id: 'w-1', name: 'writer', text: `${tinyCorpus(30)}KITCHEN 42 - 1987 ${NEW_CHARACTERS}\n`.repeat(3) },
];

async function run(
  config: TrainingConfig,
  corpora: readonly CorpusInput[],
  startFrom?: string,
  control?: (e: TrainingEvent, run: TrainingRun) => void,
): Promise<{ run: TrainingRun; events: TrainingEvent[] }> {
  const events: TrainingEvent[] = [];
  const holder: { run?: TrainingRun } = {};
  const onEvent = (e: TrainingEvent): void => {
    events.push(e);
    if (holder.run !== undefined) control?.(e, holder.run);
  };
  const created = await createTrainingRun(config, corpora, { runId: 'r', store, backend, onEvent }, startFrom);
  holder.run = created;
  await created.start();
  return { run: created, events };
}

async function folderHashes(id: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (sub: string): Promise<void> => {
    for (const entry of await readdir(join(dir, id, sub), { withFileTypes: true })) {
      const path = join(sub, entry.name);
      if (entry.isDirectory()) await walk(path);
      else
        out[path] = createHash('sha256')
          .update(await readFile(join(dir, id, path)))
          .digest('hex');
    }
  };
  await walk('');
  return out;
}

/** Softmax over the model's whole vocabulary after reading `text`: [length, vocab]. */
async function predictions(modelId: string, text: string): Promise<{ probs: number[][]; vocab: Vocab }> {
  const loaded = await store.load(modelId);
  const vocab = Vocab.fromCodePoints(loaded.codePoints);
  const weights = weightsFromValues(loaded.metadata.model, loaded.metadata.vocabSize, loaded.best);
  const ids = vocab.encode(text).ids;
  const probs = tf.tidy(() => {
    const input = tf.tensor2d(ids, [ids.length, 1], 'int32');
    return tf.softmax(forward(weights, input, zeroState(weights, 1)).logits);
  });
  const values = (await probs.array()) as number[][];
  probs.dispose();
  disposeWeights(weights);
  return { probs: values, vocab };
}

beforeAll(async () => {
  backend = await initBackend();
  dir = await mkdtemp(join(tmpdir(), 'understudy-fine-tune-'));
  store = new ModelStore(dir);
  await store.open();
  const base = await run(
    tinyConfig({ budget: { kind: 'steps', steps: 30 }, evalEvery: 10, name: 'tiny base' }),
    baseCorpora,
  );
  baseId = base.run.modelId;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('fine-tuning from a saved model', () => {
  test('new characters are appended and the known ones predict as the base does at step 0', async () => {
    // Created, not started: its step-0 checkpoint holds the grown weights.
    const tune = await createTrainingRun(
      tinyConfig(),
      writerCorpora,
      { runId: 'step-0', store, backend, onEvent: () => {} },
      baseId,
    );
    tune.dispose();
    const base = await predictions(baseId, 'ANNA: Where were you?');
    const tuned = await predictions(tune.modelId, 'ANNA: Where were you?');
    // The base's indices are kept; the ten new characters follow them.
    expect(tuned.vocab.codePoints.slice(0, base.vocab.size)).toEqual(base.vocab.codePoints);
    const added = tuned.vocab.codePoints.slice(base.vocab.size).map((cp) => String.fromCodePoint(cp));
    expect(added.join('')).toBe(NEW_CHARACTERS);
    let largest = 0;
    base.probs.forEach((row, t) =>
      row.forEach((p, i) => (largest = Math.max(largest, Math.abs(p - (tuned.probs[t]?.[i] ?? NaN))))),
    );
    expect(largest).toBeLessThan(1e-5);
  });

  test('a fine-tune records its lineage, keeps the base shape and leaves tensors flat', async () => {
    const before = tf.memory().numTensors;
    const { run: tune, events } = await run(
      tinyConfig({ budget: { kind: 'steps', steps: 12 }, model: { units: 99 } }),
      writerCorpora,
      baseId,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'budget', step: 12 });
    const summary = (await store.list()).models.find((m) => m.id === tune.modelId);
    const base = (await store.list()).models.find((m) => m.id === baseId);
    expect(summary?.model).toEqual(base?.model);
    expect(summary?.base).toEqual({
      id: baseId,
      name: 'tiny base',
      step: 30,
      bestValNatsPerChar: base?.bestValNatsPerChar,
      corpora: base?.corpora,
    });
    expect(summary?.corpora.map((c) => c.id)).toEqual(['w-1']);
    // A model fine-tuned from a fine-tune lists everything its line has learned from.
    const { run: second } = await run(tinyConfig({ budget: { kind: 'steps', steps: 2 } }), writerCorpora, tune.modelId);
    const grandchild = (await store.list()).models.find((m) => m.id === second.modelId);
    expect(grandchild?.base?.corpora.map((c) => c.id)).toEqual(['base-1', 'w-1']);
  });

  test('cancelling a fine-tune leaves the base untouched', async () => {
    const before = await folderHashes(baseId);
    const { events } = await run(
      tinyConfig({ budget: { kind: 'steps', steps: 50 } }),
      writerCorpora,
      baseId,
      (e, r) => {
        if (e.type === 'progress' && e.step >= 2) r.cancel();
      },
    );
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'cancelled' });
    expect(await folderHashes(baseId)).toEqual(before);
  });

  test('a damaged base gives E_MODEL_CORRUPT and creates nothing', async () => {
    const { run: copy } = await run(tinyConfig({ budget: { kind: 'steps', steps: 2 } }), baseCorpora);
    const weights = join(dir, copy.modelId, 'weights.bin');
    const bytes = await readFile(weights);
    await writeFile(weights, bytes.subarray(0, bytes.length - 8));
    const ids = await store.ids();
    const tensors = tf.memory().numTensors;
    await expect(run(tinyConfig(), writerCorpora, copy.modelId)).rejects.toMatchObject({ code: 'E_MODEL_CORRUPT' });
    expect(await store.ids()).toEqual(ids);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  test(`a corpus with more than ${MAX_NEW_CHARACTERS} new characters is refused with E_TOO_LARGE`, async () => {
    const cjk = Array.from({ length: 2000 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
    const ids = await store.ids();
    await expect(run(tinyConfig(), [{ id: 'cjk', name: 'cjk', text: cjk }], baseId)).rejects.toMatchObject({
      code: 'E_TOO_LARGE',
      message: expect.stringContaining('2000 characters'),
    });
    expect(await store.ids()).toEqual(ids);
  });
});

describe('fine-tuning recipes (warm-up, freezing)', () => {
  const same = (a: Float32Array | undefined, b: Float32Array | undefined) =>
    a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

  test('freezeSteps keeps the LSTM layers at the base weights while the embedding and output learn', async () => {
    const base = await store.load(baseId);
    const tuned = async (freezeSteps: number) => {
      const optimizer = { ...tinyConfig().optimizer, freezeSteps };
      const { run: r } = await run(tinyConfig({ budget: { kind: 'steps', steps: 3 }, optimizer }), baseCorpora, baseId);
      return (await store.loadTraining(r.modelId)).training.weights;
    };
    const frozen = await tuned(3);
    // Flattened: embedding, (kernel, recurrent kernel, bias) per LSTM layer, dense kernel, dense bias.
    const lstm = frozen.slice(1, -2).map((w, i) => same(w, base.best[i + 1]));
    expect(lstm.length).toBeGreaterThan(0);
    expect(lstm.every(Boolean)).toBe(true);
    expect(same(frozen.at(-2), base.best.at(-2))).toBe(false);
    expect(same(frozen[0], base.best[0])).toBe(false);
    // One step past the freeze, the LSTM layers learn too.
    const thawed = await tuned(2);
    expect(thawed.slice(1, -2).some((w, i) => !same(w, base.best[i + 1]))).toBe(true);
  });

  test('warmupSteps ramps the learning rate linearly, then holds it', () => {
    const optimizer = { learningRate: 2e-3, clipNorm: 5, seqLen: 100, batchSize: 32, warmupSteps: 4 };
    expect([0, 1, 2, 3, 4, 10].map((done) => scheduledLearningRate(optimizer, done))).toEqual([
      5e-4, 1e-3, 1.5e-3, 2e-3, 2e-3, 2e-3,
    ]);
    expect(scheduledLearningRate({ ...optimizer, warmupSteps: 0 }, 0)).toBe(2e-3);
  });

  test('a warm-up moves the weights less in the first step than the full rate does', async () => {
    const base = await store.load(baseId);
    const moved = async (warmupSteps: number) => {
      const optimizer = { ...tinyConfig().optimizer, warmupSteps };
      const { run: r } = await run(tinyConfig({ budget: { kind: 'steps', steps: 1 }, optimizer }), baseCorpora, baseId);
      const after = (await store.loadTraining(r.modelId)).training.weights;
      return after.reduce((n, w, i) => n + w.reduce((m, x, j) => m + Math.abs(x - (base.best[i]?.[j] ?? 0)), 0), 0);
    };
    const full = await moved(0);
    const warm = await moved(10);
    // Adam's first step moves each weight by about the learning rate: a tenth of the rate, a tenth of the move.
    expect(warm / full).toBeGreaterThan(0.05);
    expect(warm / full).toBeLessThan(0.2);
  });
});

describe('continuing', () => {
  test('a step budget on continue trains that many more steps', async () => {
    const { run: first } = await run(
      tinyConfig({
        budget: { kind: 'steps', steps: 100 },
        evalEvery: 50,
        earlyStopping: { enabled: false, patience: 1 },
      }),
      baseCorpora,
    );
    const events: TrainingEvent[] = [];
    const resumed = await resumeTrainingRun(
      { modelId: first.modelId, extend: { kind: 'steps', steps: 20 } },
      baseCorpora,
      {
        runId: 'more',
        store,
        backend,
        onEvent: (e) => events.push(e),
      },
    );
    await resumed.start();
    expect(events[0]).toMatchObject({ type: 'started', step: 100, totalSteps: 120 });
    expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'budget', step: 120 });
  });
});
