import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, type EngineEvent } from '../../../src-main/engine/engine.ts';
import type { TrainingEvent } from '../../../src-main/engine/types.ts';
import { tinyConfig, tinyCorpus } from './helpers.ts';

describe('one training run at a time', () => {
  let dir: string;
  let engine: Engine;
  let onTraining: (event: TrainingEvent) => void = () => undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'understudy-busy-'));
    const emit = (e: EngineEvent) => (e.kind === 'training' ? onTraining(e.event) : undefined);
    engine = await Engine.create({ modelsDir: dir, backendOrder: ['cpu'], emit });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a second start that arrives while the first is still being set up', async () => {
    const corpora = [{ id: 'c', name: 'tiny', text: tinyCorpus() }];
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    onTraining = (event) => {
      if (event.runId === 'run-1' && (event.type === 'done' || event.type === 'error')) finish();
    };
    const config = tinyConfig({ budget: { kind: 'steps', steps: 2 } });
    const [first, second] = await Promise.allSettled([
      engine.startTraining({ runId: 'run-1', config, corpora }),
      engine.startTraining({ runId: 'run-2', config, corpora }),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'E_ENGINE_BUSY' } });
    await done;
    // Once the run is over the slot is free again.
    await expect.poll(() => engine.trainingRunId).toBeNull();
  });
});
