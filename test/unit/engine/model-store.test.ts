import { mkdtemp, readFile, readdir, rename, rm, truncate, writeFile, mkdir, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend.ts';
import {
  disposeWeights,
  flattenWeights,
  forward,
  parameterCount,
  zeroState,
  disposeState,
} from '../../../src-main/engine/model.ts';
import { ModelStore, type ModelSnapshot } from '../../../src-main/engine/model-store.ts';
import { randomModel, TINY, tinyCorpus } from './helpers.ts';

let dir: string;
let store: ModelStore;
let snapshot: ModelSnapshot;
const model = { current: undefined as ReturnType<typeof randomModel> | undefined };

async function values(ts: tf.Tensor[]): Promise<Float32Array[]> {
  return (await Promise.all(ts.map((t) => t.data<'float32'>()))).map((v) => Float32Array.from(v));
}

function snapshotFor(id: string, best: Float32Array[], codePoints: readonly number[]): ModelSnapshot {
  const now = new Date().toISOString();
  return {
    metadata: {
      id,
      name: 'Tiny',
      preset: 'small',
      model: TINY,
      optimizer: { learningRate: 2e-3, clipNorm: 5, seqLen: 16, batchSize: 8 },
      training: {
        budget: { kind: 'steps', steps: 10 },
        evalEvery: 5,
        earlyStopping: { enabled: true, patience: 3 },
        seed: 1,
        sampleLength: 0,
      },
      vocabSize: codePoints.length,
      parameters: parameterCount(TINY, codePoints.length),
      corpora: [{ id: 'c', name: 'c', sha256: 'x', chars: 10 }],
      backend: 'wasm',
      createdAt: now,
      updatedAt: now,
      step: 10,
      bestStep: 10,
      bestValNatsPerChar: 2.5,
      lossCurve: [{ step: 10, trainLoss: 2.6, valNatsPerChar: 2.5 }],
      status: 'stopped',
    },
    codePoints,
    best,
    training: {
      weights: best,
      m: best,
      v: best,
      state: { step: 10, rng: [1, 2, 3, 4], adamStep: 10, evalsWithoutImprovement: 0, elapsedSeconds: 1 },
    },
  };
}

beforeAll(async () => {
  await initBackend();
  dir = await mkdtemp(join(tmpdir(), 'understudy-store-'));
  store = new ModelStore(dir);
  await store.open();
  model.current = randomModel(tinyCorpus());
  snapshot = snapshotFor('m-good', await values(flattenWeights(model.current.weights)), model.current.vocab.codePoints);
  await store.save(snapshot);
});
afterAll(async () => {
  if (model.current) disposeWeights(model.current.weights);
  await rm(dir, { recursive: true, force: true });
});

/** A damaged copy of the good model under a new id. */
async function damagedCopy(id: string, damage: (modelDir: string) => Promise<void>): Promise<void> {
  await cp(join(dir, 'm-good'), join(dir, id), { recursive: true });
  const metadataPath = join(dir, id, 'metadata.json');
  const metadata = JSON.parse(await readFile(metadataPath, 'utf8')) as Record<string, unknown>;
  await writeFile(metadataPath, JSON.stringify({ ...metadata, id }));
  await damage(join(dir, id));
}

describe('ModelStore', () => {
  test('writes one directory per model with model.json, weights.bin, vocab, metadata and training state', async () => {
    expect((await readdir(join(dir, 'm-good'))).sort()).toEqual([
      'metadata.json',
      'model.json',
      'training',
      'vocab.json',
      'weights.bin',
    ]);
    expect((await readdir(join(dir, 'm-good', 'training'))).sort()).toEqual([
      'optimizer.bin',
      'state.json',
      'weights.bin',
    ]);
    expect((await readdir(dir)).filter((e) => e.startsWith('.'))).toEqual([]);
  });

  test('round-trips weights, vocabulary, metadata and optimizer state', async () => {
    const loaded = await store.loadTraining('m-good');
    expect(loaded.codePoints).toEqual([...snapshot.codePoints]);
    expect(loaded.best.map((a) => Array.from(a))).toEqual(snapshot.best.map((a) => Array.from(a)));
    expect(loaded.training.state).toEqual(snapshot.training!.state);
    expect(loaded.metadata).toMatchObject({ name: 'Tiny', step: 10, bestValNatsPerChar: 2.5 });
  });

  test('model.json + weights.bin load with tf.loadLayersModel and predict what our functional model does', async () => {
    const m = model.current!;
    const modelJson = JSON.parse(await readFile(join(dir, 'm-good', 'model.json'), 'utf8')) as tf.io.ModelJSON;
    const weights = await readFile(join(dir, 'm-good', 'weights.bin'));
    const layersModel = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest[0]!.weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
    const ids = m.vocab.encode('ANNA: Where were you?').ids;
    const theirs = tf.tidy(() => layersModel.predict(tf.tensor2d(ids, [1, ids.length], 'float32')) as tf.Tensor);
    const state = zeroState(m.weights, 1);
    const ours = tf.tidy(() => forward(m.weights, tf.tensor2d(ids, [ids.length, 1], 'int32'), state).logits);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.reshape(theirs, ours.shape), ours))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-4);
    tf.dispose([theirs, ours]);
    disposeState(state);
    layersModel.dispose();
  });

  test('lists models and renames them', async () => {
    const renamed = await store.rename('m-good', 'Kitchen drafts');
    expect(renamed.name).toBe('Kitchen drafts');
    const { models } = await store.list();
    expect(models.find((x) => x.id === 'm-good')).toMatchObject({ name: 'Kitchen drafts', resumable: true });
    await store.load('m-good');
  });

  test('a missing model is E_MODEL_NOT_FOUND (also for ids that try to leave the directory)', async () => {
    await expect(store.load('m-nothing')).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND' });
    await expect(store.load('../etc')).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND' });
  });

  test.each([
    ['truncated weights', 'm-truncated', (d: string) => truncate(join(d, 'weights.bin'), 100)],
    [
      'flipped byte in weights',
      'm-flipped',
      async (d: string) => {
        const data = await readFile(join(d, 'weights.bin'));
        data[17] = (data[17] ?? 0) ^ 0xff;
        await writeFile(join(d, 'weights.bin'), data);
      },
    ],
    [
      'garbage metadata',
      'm-garbage',
      (d: string) => writeFile(join(d, 'metadata.json'), '{"formatVersion": 1, "id": '),
    ],
    [
      'metadata missing fields',
      'm-fields',
      (d: string) => writeFile(join(d, 'metadata.json'), JSON.stringify({ formatVersion: 1, id: 'm-fields' })),
    ],
    ['missing model.json', 'm-nojson', (d: string) => rm(join(d, 'model.json'))],
    ['missing metadata', 'm-nometa', (d: string) => rm(join(d, 'metadata.json'))],
    [
      'edited vocabulary',
      'm-vocab',
      (d: string) => writeFile(join(d, 'vocab.json'), '{"formatVersion":1,"codePoints":[65]}'),
    ],
    ['truncated optimizer state', 'm-optimizer', (d: string) => truncate(join(d, 'training/optimizer.bin'), 8)],
  ])('%s gives E_MODEL_CORRUPT', async (_label, id, damage) => {
    await damagedCopy(id, damage);
    const load = id === 'm-optimizer' ? store.loadTraining(id) : store.load(id);
    await expect(load).rejects.toMatchObject({ code: 'E_MODEL_CORRUPT' });
  });

  test('a newer format version gives E_MODEL_VERSION', async () => {
    await damagedCopy('m-future', async (d) => {
      const metadata = JSON.parse(await readFile(join(d, 'metadata.json'), 'utf8')) as Record<string, unknown>;
      await writeFile(join(d, 'metadata.json'), JSON.stringify({ ...metadata, formatVersion: 2 }));
    });
    await expect(store.load('m-future')).rejects.toMatchObject({ code: 'E_MODEL_VERSION' });
    const { damaged } = await store.list();
    expect(damaged.find((d) => d.id === 'm-future')).toMatchObject({ code: 'E_MODEL_VERSION' });
  });

  test('overwriting keeps a whole model at every moment; a save interrupted mid-swap is recovered on open', async () => {
    await store.save({ ...snapshot, metadata: { ...snapshot.metadata, id: 'm-swap', step: 11 } });
    // Simulate a crash between "move old aside" and "rename new into place", and a half-written temp dir.
    await rename(join(dir, 'm-swap'), join(dir, '.m-swap.old-abc123'));
    await mkdir(join(dir, '.m-swap.tmp-def456'));
    await writeFile(join(dir, '.m-swap.tmp-def456', 'weights.bin'), 'half');
    const reopened = new ModelStore(dir);
    await reopened.open();
    expect((await reopened.load('m-swap')).metadata.step).toBe(11);
    expect((await readdir(dir)).filter((e) => e.startsWith('.'))).toEqual([]);
  });

  test('loads and listings interleaved with saves of the same model never see it half-swapped', async () => {
    const saves = Array.from({ length: 4 }, (_, i) =>
      store.save({ ...snapshot, metadata: { ...snapshot.metadata, id: 'm-busy', step: 20 + i } }),
    );
    await saves[0];
    const reads = Array.from({ length: 6 }, () => store.load('m-busy'));
    const lists = Array.from({ length: 3 }, () => store.list());
    await Promise.all(saves);
    for (const loaded of await Promise.all(reads)) expect(loaded.metadata.step).toBeGreaterThanOrEqual(20);
    for (const list of await Promise.all(lists)) expect(list.models.map((m) => m.id)).toContain('m-busy');
  });

  test('delete removes the directory', async () => {
    await store.save({ ...snapshot, metadata: { ...snapshot.metadata, id: 'm-delete' } });
    await store.delete('m-delete');
    await expect(store.load('m-delete')).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND' });
    await expect(store.delete('m-delete')).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND' });
  });
});
