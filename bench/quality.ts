import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../src-main/engine/backend.ts';
import { ModelStore } from '../src-main/engine/model-store.ts';
import { createTrainingRun } from '../src-main/engine/trainer.ts';
import type {
  BackendName,
  ModelHyperparams,
  OptimizerHyperparams,
  PresetName,
  TrainingEvent,
} from '../src-main/engine/types.ts';

export interface QualityOptions {
  text: string;
  preset: PresetName;
  model?: Partial<ModelHyperparams>;
  optimizer?: Partial<OptimizerHyperparams>;
  steps: number;
  /** A wall-clock budget instead of `steps` (the trainer's own clock, as in the app). */
  minutes?: number;
  evalEvery: number;
  evalSteps?: number[];
  seed: number;
  backendOrder?: BackendName[];
  /** Progress lines on stderr (stdout stays one JSON object). */
  log: boolean;
}

export interface CurvePoint {
  step: number;
  trainLoss: number;
  valNatsPerChar: number;
  valBitsPerChar: number;
  elapsedSeconds: number;
}

/** Trains with the real trainer (early stopping off) and returns the validation curve in nats/char. */
export async function qualityCurve(
  opts: QualityOptions,
): Promise<{ backend: BackendName; curve: CurvePoint[]; charsPerSecond: number }> {
  const backend = await initBackend(opts.backendOrder);
  const dir = await mkdtemp(join(tmpdir(), 'understudy-bench-'));
  const store = new ModelStore(dir);
  await store.open();
  const curve: CurvePoint[] = [];
  let lastLoss = NaN;
  let charsPerSecond = 0;
  const started = performance.now();
  const onEvent = (e: TrainingEvent): void => {
    if (e.type === 'progress') {
      lastLoss = e.trainLoss;
      charsPerSecond = e.charsPerSecond;
      if (opts.log)
        process.stderr.write(`step ${e.step} loss ${e.trainLoss.toFixed(3)} ${Math.round(e.charsPerSecond)} chars/s\n`);
    }
    if (e.type === 'evaluation') {
      curve.push({
        step: e.step,
        trainLoss: lastLoss,
        valNatsPerChar: e.valNatsPerChar,
        valBitsPerChar: e.valBitsPerChar,
        elapsedSeconds: (performance.now() - started) / 1000,
      });
      if (opts.log)
        process.stderr.write(`eval ${e.step}: ${e.valNatsPerChar.toFixed(4)} nats/char\n${e.samples[1]?.text ?? ''}\n`);
    }
    if (e.type === 'error') throw new Error(e.error.message);
  };
  try {
    const run = await createTrainingRun(
      {
        name: 'bench',
        preset: opts.preset,
        ...(opts.model === undefined ? {} : { model: opts.model }),
        ...(opts.optimizer === undefined ? {} : { optimizer: opts.optimizer }),
        budget:
          opts.minutes === undefined
            ? { kind: 'steps', steps: opts.steps }
            : { kind: 'minutes', minutes: opts.minutes },
        evalEvery: opts.evalEvery,
        ...(opts.evalSteps === undefined ? {} : { evalSteps: opts.evalSteps }),
        earlyStopping: { enabled: false, patience: 1 },
        seed: opts.seed,
        sampleLength: opts.log ? 120 : 0,
      },
      [{ id: 'corpus', name: 'corpus', text: opts.text }],
      { runId: 'bench', store, backend, onEvent },
    );
    await run.start();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { backend, curve, charsPerSecond };
}
