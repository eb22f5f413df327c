import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationEvent, TrainingEvent, UnderstudyApi } from '../../src-main/contract/index.ts';
import { startInMemoryApp } from '../support/app-server.ts';

const SCENE = `INT. KITCHEN - NIGHT

MARA stands at the sink. The tap drips.

MARA
You said you would fix it.

JONAH (O.S.)
I said I would look at it.

`;

/** Collects a run's events from the moment of subscription until `done` or `error` for the run id. */
function collect<E extends { type: string; runId: string }>(subscribe: (listener: (event: E) => void) => () => void) {
  const events: E[] = [];
  let runId: string | undefined;
  let finish: (events: E[]) => void = () => undefined;
  const finished = new Promise<E[]>((resolve) => (finish = resolve));
  const check = () => {
    if (runId && events.some((e) => e.runId === runId && (e.type === 'done' || e.type === 'error'))) {
      unsubscribe();
      finish(events.filter((e) => e.runId === runId));
    }
  };
  const unsubscribe = subscribe((event) => {
    events.push(event);
    check();
  });
  return {
    forRun(id: string) {
      runId = id;
      check();
      return finished;
    },
  };
}

describe('training and generation over the in-memory transport', () => {
  let api: UnderstudyApi;
  let dataDir: string;
  let corpusId: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ api, dataDir, close } = await startInMemoryApp({ resourcesDir: join(tmpdir(), 'understudy-none') }));
    const file = join(dataDir, 'kitchen.fountain');
    await writeFile(file, SCENE.repeat(60));
    const report = await api.corpora.importFiles({ paths: [file] });
    if (!report.ok) throw new Error(report.error.message);
    corpusId = report.value.imported[0]?.id ?? '';
  });

  afterAll(async () => {
    await close?.();
  });

  it('refuses bad requests with stable codes before the engine sees them', async () => {
    expect(await api.training.start({ corpusIds: [] })).toMatchObject({
      ok: false,
      error: { code: 'E_INVALID_INPUT' },
    });
    expect(await api.training.start({ corpusIds: ['nope'] })).toMatchObject({
      ok: false,
      error: { code: 'E_NOT_FOUND' },
    });
    const generation = await api.generation.start({ prime: 'INT.', temperature: 9, maxLength: 10 });
    expect(generation).toMatchObject({ ok: false, error: { code: 'E_INVALID_INPUT' } });
    const noModel = await api.generation.start({ prime: 'INT.', temperature: 0.5, maxLength: 10 });
    expect(noModel).toMatchObject({ ok: false, error: { code: 'E_NO_ACTIVE_MODEL' } });
    expect(await api.generation.prepare({ prime: 'INT.' })).toMatchObject({
      ok: false,
      error: { code: 'E_NO_ACTIVE_MODEL' },
    });
  });

  it('trains a tiny model, streams its progress, then generates two alternatives with it', async () => {
    const training = collect<TrainingEvent>((listener) => api.training.onEvent(listener));
    const started = await api.training.start({
      corpusIds: [corpusId],
      name: 'Kitchen',
      preset: 'small',
      model: { units: 24, layers: 1, embeddingSize: 16 },
      optimizer: { seqLen: 32, batchSize: 8 },
      budget: { kind: 'steps', steps: 40 },
      evalEvery: 20,
      sampleLength: 20,
      seed: 7,
    });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    const events = await training.forRun(started.value.runId);
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'done', reason: 'budget', modelId: started.value.modelId, step: 40 });
    const evaluations = events.filter((e) => e.type === 'evaluation');
    expect(evaluations.length).toBeGreaterThanOrEqual(2);
    expect(evaluations[0]?.type === 'evaluation' && evaluations[0].samples.map((s) => s.temperature)).toEqual([
      0.5, 0.8, 1,
    ]);

    const models = await api.models.list();
    expect(models.ok && models.value.map((m) => m.name)).toContain('Kitchen');
    // The first trained model becomes active by itself.
    const status = await api.engine.getStatus();
    expect(status.ok && status.value.activeModelId).toBe(started.value.modelId);

    // Priming ahead of Generate (what the editor does when the writer pauses) runs over the text before the cursor.
    const prepared = await api.generation.prepare({ prime: 'INT. KITCHEN' });
    expect(prepared.ok && prepared.value.primedChars).toBeGreaterThan(0);

    const generation = collect<GenerationEvent>((listener) => api.generation.onEvent(listener));
    const run = await api.generation.start({
      prime: 'INT. KITCHEN',
      temperature: 0.8,
      maxLength: 60,
      alternatives: 2,
      seed: 3,
    });
    expect(run.ok).toBe(true);
    if (!run.ok) return;
    const stream = await generation.forRun(run.value.runId);
    const end = stream.at(-1);
    expect(end?.type).toBe('done');
    if (end?.type !== 'done') return;
    expect(end.texts).toHaveLength(2);
    const chunks = stream.filter((e) => e.type === 'chunk');
    expect(chunks.length).toBeGreaterThan(0);
    // The chunks add up to the final texts.
    const joined = [0, 1].map((i) => chunks.map((c) => (c.type === 'chunk' ? (c.deltas[i] ?? '') : '')).join(''));
    expect(joined).toEqual(end.texts);
    expect(end.texts.every((t) => [...t].length <= 60)).toBe(true);
  });
});
