import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineHost } from '../../src-main/engine-host/engine-host.ts';
import type { CorpusInput, GenerationEvent, TrainingEvent } from '../../src-main/engine/types.ts';
import { buildEngineWorker } from '../support/build-worker.ts';
import { tinyConfig, tinyCorpus } from '../unit/engine/helpers.ts';
import { recordFigures } from './support/figures.ts';

// The worker's heap is capped so that exhausting memory ends the worker, never the app.
const HEAP_MB = 384;
const corpora: CorpusInput[] = [{ id: 'c1', name: 'kitchen', text: tinyCorpus(80) }];
const FAULTS = [
  { fault: 'a throw', inject: (host: EngineHost) => host.debugCrash() },
  { fault: 'exhausted memory', inject: (host: EngineHost) => host.debugExhaustMemory() },
] as const;

let dir: string;
let host: EngineHost;
let crashesInjected = 0;
const notes: string[] = [];

/** Resolves with the first event of `runId` that `predicate` accepts. */
function trainingEvent(runId: string, predicate: (e: TrainingEvent) => boolean): Promise<TrainingEvent> {
  return new Promise((resolve) => {
    const off = host.onTraining((e) => {
      if (e.runId === runId && predicate(e)) {
        off();
        resolve(e);
      }
    });
  });
}

function generationEvent(runId: string, predicate: (e: GenerationEvent) => boolean): Promise<GenerationEvent> {
  return new Promise((resolve) => {
    const off = host.onGeneration((e) => {
      if (e.runId === runId && predicate(e)) {
        off();
        resolve(e);
      }
    });
  });
}

const ended = (e: { type: string }) => e.type === 'done' || e.type === 'error';
const restarted = () => new Promise<void>((resolve) => host.onReady(() => resolve()));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'understudy-engine-crash-'));
  host = new EngineHost({
    workerPath: await buildEngineWorker(),
    modelsDir: dir,
    maxRestartsPerMinute: 10,
    resourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
  });
  await host.start();
});

afterAll(async () => {
  await host.stop();
  await rm(dir, { recursive: true, force: true });
  recordFigures('engine-crash', { crashesInjected, notes });
});

describe.each(FAULTS)('the engine worker dies of $fault', ({ fault, inject }) => {
  let modelId = '';

  it('during training: the run ends with E_ENGINE_CRASHED, the worker restarts, the run resumes from its checkpoint', async () => {
    const runId = randomUUID();
    let lastCheckpoint = 0;
    const offCheckpoints = host.onTraining((e) => {
      if (e.runId === runId && e.type === 'checkpoint') lastCheckpoint = Math.max(lastCheckpoint, e.step);
    });
    const checkpointed = trainingEvent(runId, (e) => e.type === 'checkpoint' && e.step >= 10);
    const end = trainingEvent(runId, ended);
    const started = await host.engine.startTraining({
      runId,
      config: tinyConfig({ budget: { kind: 'steps', steps: 100_000 }, evalEvery: 10, name: `crash: ${fault}` }),
      corpora,
    });
    modelId = started.modelId;
    await checkpointed;
    const back = restarted();
    await expect(inject(host)).rejects.toMatchObject({ code: 'E_ENGINE_CRASHED' });
    crashesInjected += 1;
    const last = await end;
    offCheckpoints();
    expect(last).toMatchObject({ type: 'error', error: { code: 'E_ENGINE_CRASHED' } });
    if (last.type === 'error') notes.push(`${fault} in training: ${last.error.message}`);
    await back;

    const summary = (await host.engine.listModels()).models.find((m) => m.id === modelId);
    expect(summary).toMatchObject({ status: 'stopped', resumable: true, step: lastCheckpoint });
    const resumedId = randomUUID();
    const resumedStart = trainingEvent(resumedId, (e) => e.type === 'started');
    const resumedEnd = trainingEvent(resumedId, ended);
    await host.engine.continueTraining({
      runId: resumedId,
      resume: { modelId, budget: { kind: 'steps', steps: lastCheckpoint + 5 } },
      corpora,
    });
    expect(await resumedStart).toMatchObject({ step: lastCheckpoint });
    expect(await resumedEnd).toMatchObject({ type: 'done', step: lastCheckpoint + 5 });
  });

  it('during generation: the run ends with E_ENGINE_CRASHED, the worker restarts with the model, and generates', async () => {
    await host.engine.loadModel({ modelId });
    const runId = randomUUID();
    const firstChunk = generationEvent(runId, (e) => e.type === 'chunk');
    const end = generationEvent(runId, ended);
    await host.engine.generate({ runId, options: { prime: 'BEN: ', temperature: 0.8, maxLength: 20_000 } });
    await firstChunk;
    const back = restarted();
    await expect(inject(host)).rejects.toMatchObject({ code: 'E_ENGINE_CRASHED' });
    crashesInjected += 1;
    expect(await end).toMatchObject({ type: 'error', error: { code: 'E_ENGINE_CRASHED' } });
    await back;

    // The host loads the active model again in the fresh worker: a new run needs no loadModel.
    const again = randomUUID();
    const done = generationEvent(again, ended);
    await expect.poll(async () => (await host.engine.status()).activeModelId, { timeout: 30_000 }).toBe(modelId);
    await host.engine.generate({ runId: again, options: { prime: 'BEN: ', temperature: 0.8, maxLength: 40 } });
    expect(await done).toMatchObject({ type: 'done' });
  });
});
