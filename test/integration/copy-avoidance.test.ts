import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COPY_WINDOW } from '../../src-main/engine/copy-index.ts';
import { Engine, type EngineEvent } from '../../src-main/engine/engine.ts';
import type { GenerationEvent, TrainingEvent } from '../../src-main/engine/types.ts';
import { tinyConfig } from '../unit/engine/helpers.ts';

/** A passage a tiny model learns by heart when the corpus is little else. */
const PASSAGE = 'The lighthouse keeper counted every wave that broke against the northern rocks. ';
const corpus = [{ id: 'planted', name: 'planted', text: PASSAGE.repeat(60) }];

describe('a memorised passage is marked, and avoided when asked', () => {
  let dir: string;
  let engine: Engine;
  let modelId = '';
  let onTraining: (event: TrainingEvent) => void = () => undefined;
  let onGeneration: (event: GenerationEvent) => void = () => undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'understudy-copies-'));
    const emit = (e: EngineEvent): void => (e.kind === 'training' ? onTraining(e.event) : onGeneration(e.event));
    engine = await Engine.create({ modelsDir: dir, backendOrder: ['wasm', 'cpu'], emit });
    const done = new Promise<Extract<TrainingEvent, { type: 'done' }>>((resolve, reject) => {
      onTraining = (event) => {
        if (event.type === 'done') resolve(event);
        if (event.type === 'error') reject(new Error(event.error.message));
      };
    });
    const config = tinyConfig({
      model: { embeddingSize: 16, units: 64, layers: 1, dropout: 0 },
      optimizer: { seqLen: 40, batchSize: 16, learningRate: 2e-2 },
      budget: { kind: 'steps', steps: 150 },
      evalEvery: 50,
      earlyStopping: { enabled: false, patience: 3 },
      sampleLength: 120,
    });
    await engine.startTraining({ runId: 'train', config, corpora: corpus });
    modelId = (await done).modelId;
    await engine.loadModel({ modelId });
    expect(await engine.indexCorpora({ modelId, corpora: corpus })).toEqual({ indexed: true });
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function draft(avoidCopies: boolean): Promise<Extract<GenerationEvent, { type: 'done' }>> {
    const finished = new Promise<Extract<GenerationEvent, { type: 'done' }>>((resolve, reject) => {
      onGeneration = (event) => {
        if (event.type === 'done') resolve(event);
        if (event.type === 'error') reject(new Error(event.error.message));
      };
    });
    await engine.generate({
      runId: `g-${String(avoidCopies)}`,
      options: { prime: PASSAGE.slice(0, 30), temperature: 0, maxLength: 160, avoidCopies, mode: 'continue' },
    });
    return finished;
  }

  it('marks the copy when Avoid copies is off, and never repeats the limit with it on', async () => {
    const before = tf.memory().numTensors;
    const copying = await draft(false);
    const marked = copying.copies[0];
    expect(marked, 'the model was indexed').not.toBeNull();
    const longest = Math.max(0, ...(marked?.spans ?? []).map((span) => span.to - span.from));
    expect(longest, `the model should have memorised the passage: ${JSON.stringify(copying.texts[0])}`).toBeGreaterThan(
      DEFAULT_COPY_WINDOW * 2,
    );
    expect(marked?.novelty).toBeLessThan(0.5);

    const avoiding = await draft(true);
    const text = avoiding.texts[0] ?? '';
    expect(text.length).toBeGreaterThan(100);
    expect(avoiding.copies[0]?.spans, JSON.stringify(text)).toEqual([]);
    // The same check without the index: no window of the limit's length occurs in the corpus.
    for (let i = 0; i + DEFAULT_COPY_WINDOW <= text.length; i++) {
      expect(
        corpus[0]?.text.includes(text.slice(i, i + DEFAULT_COPY_WINDOW)),
        text.slice(i, i + DEFAULT_COPY_WINDOW),
      ).toBe(false);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports the novelty of training samples at every evaluation', async () => {
    const evaluations: Extract<TrainingEvent, { type: 'evaluation' }>[] = [];
    const done = new Promise<void>((resolve) => {
      onTraining = (event) => {
        if (event.type === 'evaluation') evaluations.push(event);
        if (event.type === 'done' || event.type === 'error') resolve();
      };
    });
    await engine.continueTraining({
      runId: 'more',
      resume: { modelId, budget: { kind: 'steps', steps: 200 } },
      corpora: corpus,
    });
    await done;
    expect(evaluations.length).toBeGreaterThan(0);
    for (const evaluation of evaluations) {
      expect(evaluation.novelty).toBeGreaterThanOrEqual(0);
      expect(evaluation.novelty).toBeLessThanOrEqual(1);
      for (const sample of evaluation.samples) expect(sample.novelty).toBeGreaterThanOrEqual(0);
    }
    // A model that writes the passage back has samples that are mostly copies.
    expect(Math.min(...evaluations.map((evaluation) => evaluation.novelty))).toBeLessThan(0.6);
  }, 120_000);
});
