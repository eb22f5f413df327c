import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EngineHost } from '../../src-main/engine-host/engine-host.ts';
import type { CorpusInput, GenerationEvent, TrainingConfig, TrainingEvent } from '../../src-main/engine/types.ts';
import { buildEngineWorker } from '../support/build-worker.ts';
import { tinyConfig, tinyCorpus } from '../unit/engine/helpers.ts';
import { DEFAULT_PRIME_CHARS, primeWindow } from '../../src-main/engine/sampler.ts';

let dir: string;
let host: EngineHost;
const corpora: CorpusInput[] = [{ id: 'c1', name: 'kitchen', text: tinyCorpus(80) }];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'understudy-host-'));
  host = new EngineHost({ workerPath: await buildEngineWorker(), modelsDir: dir });
  await host.start();
});
afterAll(async () => {
  await host.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Collects one run's training events until it is done or fails. */
function trainingEvents(runId: string): { events: TrainingEvent[]; finished: Promise<TrainingEvent> } {
  const events: TrainingEvent[] = [];
  let off = (): void => {};
  const finished = new Promise<TrainingEvent>((resolve) => {
    off = host.onTraining((e) => {
      if (e.runId !== runId) return;
      events.push(e);
      if (e.type === 'done' || e.type === 'error') resolve(e);
    });
  });
  void finished.then(off);
  return { events, finished };
}

async function runTraining(
  config: TrainingConfig,
): Promise<{ modelId: string; events: TrainingEvent[]; last: TrainingEvent }> {
  const runId = randomUUID();
  const { events, finished } = trainingEvents(runId);
  const started = await host.engine.startTraining({ runId, config, corpora });
  return { modelId: started.modelId, events, last: await finished };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

describe('EngineHost', () => {
  test('reports the active backend', async () => {
    expect(['tensorflow', 'wasm', 'cpu']).toContain(await host.engine.getBackend());
    expect(host.backend).toBe(await host.engine.getBackend());
    expect((await host.engine.listModels()).models).toEqual([]);
  });

  test('trains off the main thread: the main event loop answers trivial requests with p99 < 16 ms', async () => {
    const { port1, port2 } = new MessageChannel();
    port2.on('message', (t: number) => port2.postMessage(t));
    const roundTrips: number[] = [];
    let training = true;
    const pinger = (async () => {
      while (training) {
        const sent = performance.now();
        await new Promise<void>((resolve) => {
          port1.once('message', () => resolve());
          port1.postMessage(sent);
        });
        roundTrips.push(performance.now() - sent);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const { last, events, modelId } = await runTraining(
      tinyConfig({ budget: { kind: 'steps', steps: 60 }, evalEvery: 30 }),
    );
    training = false;
    await pinger;
    port1.close();
    expect(last).toMatchObject({ type: 'done', reason: 'budget', step: 60, modelId });
    expect(events.filter((e) => e.type === 'evaluation')).toHaveLength(2);
    expect(roundTrips.length).toBeGreaterThan(20);
    expect(percentile(roundTrips, 99)).toBeLessThan(16);
  });

  test('generates with the loaded model, streaming chunks of every alternative, and can cancel', async () => {
    const [model] = (await host.engine.listModels()).models;
    expect(model).toBeDefined();
    await host.engine.loadModel({ modelId: model!.id });
    expect((await host.engine.status()).activeModelId).toBe(model!.id);
    const collect = (runId: string): Promise<{ chunks: string[]; done: GenerationEvent }> => {
      const chunks = ['', ''];
      return new Promise((resolve) => {
        const off = host.onGeneration((e) => {
          if (e.runId !== runId) return;
          if (e.type === 'chunk') e.deltas.forEach((d, i) => (chunks[i] += d));
          if (e.type === 'done' || e.type === 'error') {
            off();
            resolve({ chunks, done: e });
          }
        });
      });
    };
    const runId = randomUUID();
    const result = collect(runId);
    await host.engine.generate({
      runId,
      options: { prime: 'ANNA: ', temperature: 0.8, maxLength: 120, alternatives: 2, seed: 3 },
    });
    const { chunks, done } = await result;
    expect(done.type).toBe('done');
    if (done.type !== 'done') return;
    expect(done.texts.map((t) => t.length)).toEqual([120, 120]);
    expect(chunks).toEqual(done.texts);
    expect(done.timeToFirstCharMs).toBeGreaterThan(0);

    // Priming ahead of time changes how soon the first character comes, never what comes.
    const prime = corpora[0]!.text.slice(0, 900);
    const coldId = randomUUID();
    const cold = collect(coldId);
    await host.engine.generate({ runId: coldId, options: { prime: 'x', temperature: 0, maxLength: 5 } });
    await cold;
    const plainId = randomUUID();
    const plain = collect(plainId);
    await host.engine.generate({ runId: plainId, options: { prime, temperature: 0, maxLength: 40 } });
    const plainDone = (await plain).done;
    // The default prime window: at least DEFAULT_PRIME_CHARS, starting at an aligned position.
    const { primedChars } = await host.engine.prepareGeneration({ prime });
    expect(primedChars).toBe(primeWindow(prime, DEFAULT_PRIME_CHARS).length);
    expect(primedChars).toBeGreaterThanOrEqual(DEFAULT_PRIME_CHARS);
    const warmId = randomUUID();
    const warm = collect(warmId);
    await host.engine.generate({ runId: warmId, options: { prime, temperature: 0, maxLength: 40 } });
    const warmDone = (await warm).done;
    expect(warmDone.type === 'done' && warmDone.texts).toEqual(plainDone.type === 'done' && plainDone.texts);

    const longId = randomUUID();
    const long = collect(longId);
    await host.engine.generate({ runId: longId, options: { prime: '', temperature: 1, maxLength: 20_000 } });
    await host.engine.cancelGeneration({ runId: longId });
    const cancelled = await long;
    expect(cancelled.done).toMatchObject({ type: 'done', reasons: ['cancelled'] });
  });

  test('typed errors cross the thread boundary with their codes', async () => {
    await expect(host.engine.loadModel({ modelId: 'm-missing' })).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND' });
    await expect(host.engine.cancelTraining({ runId: 'no-such-run' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(
      host.engine.startTraining({ runId: randomUUID(), config: tinyConfig(), corpora: [] }),
    ).rejects.toMatchObject({ code: 'E_NO_CORPORA' });
    await expect(
      host.engine.generate({ runId: randomUUID(), options: { prime: '', temperature: -1, maxLength: 5 } }),
    ).rejects.toMatchObject({
      code: 'E_INVALID_INPUT',
    });
  });

  test('a crash mid-training is a typed error; the host restarts and the run resumes from its last checkpoint', async () => {
    const runId = randomUUID();
    const { events, finished } = trainingEvents(runId);
    const crashes: string[] = [];
    const offCrash = host.onCrash((e) => crashes.push(e.code));
    const restarted = new Promise<void>((resolve) => {
      const off = host.onReady(() => {
        off();
        resolve();
      });
    });
    const checkpointed = new Promise<void>((resolve) => {
      const off = host.onTraining((e) => {
        if (e.runId === runId && e.type === 'checkpoint' && e.step >= 10) {
          off();
          resolve();
        }
      });
    });
    const started = await host.engine.startTraining({
      runId,
      config: tinyConfig({ budget: { kind: 'steps', steps: 100_000 }, evalEvery: 10, name: 'crashy' }),
      corpora,
    });
    await checkpointed;
    // Generation goes first while training runs on the same thread; training carries on afterwards.
    const generationId = randomUUID();
    const generated = new Promise<GenerationEvent>((resolve) => {
      const off = host.onGeneration((e) => {
        if (e.runId === generationId && (e.type === 'done' || e.type === 'error')) {
          off();
          resolve(e);
        }
      });
    });
    await host.engine.generate({ runId: generationId, options: { prime: 'BEN: ', temperature: 0.8, maxLength: 60 } });
    expect(await generated).toMatchObject({ type: 'done', reasons: ['length'] });
    const stepBefore = Math.max(...events.flatMap((e) => (e.type === 'progress' ? [e.step] : [0])));
    await new Promise<void>((resolve) => {
      const off = host.onTraining((e) => {
        if (e.runId === runId && e.type === 'progress' && e.step > stepBefore) {
          off();
          resolve();
        }
      });
    });
    const crash = host.debugCrash();
    await expect(crash).rejects.toMatchObject({ code: 'E_ENGINE_CRASHED' });
    expect(await finished).toMatchObject({ type: 'error', error: { code: 'E_ENGINE_CRASHED' } });
    expect(crashes).toEqual(['E_ENGINE_CRASHED']);
    offCrash();
    await restarted;
    const lastCheckpoint = Math.max(...events.flatMap((e) => (e.type === 'checkpoint' ? [e.step] : [])));
    const summary = (await host.engine.listModels()).models.find((m) => m.id === started.modelId);
    expect(summary).toMatchObject({ name: 'crashy', status: 'stopped', resumable: true, step: lastCheckpoint });

    const resumedId = randomUUID();
    const resumed = trainingEvents(resumedId);
    await host.engine.continueTraining({
      runId: resumedId,
      resume: { modelId: started.modelId, budget: { kind: 'steps', steps: lastCheckpoint + 5 } },
      corpora,
    });
    expect(await resumed.finished).toMatchObject({ type: 'done', reason: 'budget', step: lastCheckpoint + 5 });
    expect(resumed.events[0]).toMatchObject({ type: 'started', step: lastCheckpoint });
    await host.engine.loadModel({ modelId: started.modelId });
  });

  test('renames and deletes models', async () => {
    const { models } = await host.engine.listModels();
    const target = models[0]!;
    expect((await host.engine.renameModel({ modelId: target.id, name: '  Rain scenes ' })).name).toBe('Rain scenes');
    await host.engine.deleteModel({ modelId: target.id });
    expect((await host.engine.listModels()).models.map((m) => m.id)).not.toContain(target.id);
  });
});
