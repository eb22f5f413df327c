import * as tf from '@tensorflow/tfjs';
import { CharDataset } from './dataset.ts';
import { initialWeightValues, parameterCount, weightSpecs } from './model.ts';
import { disposeAdamState, zeroAdamState } from './optimizer.ts';
import { PRESET_NAMES, qualifies } from './presets.ts';
import { Rng } from './rng.ts';
import { trainStep } from './train-step.ts';
import { DEFAULT_OPTIMIZER, PRESETS, type ModelHyperparams, type PresetName } from './types.ts';
import { Vocab } from './vocab.ts';

/** Training speed per preset on this machine and backend; `measured` lists the presets timed, the rest are scaled. */
export interface TrainingSpeed {
  charsPerSecond: Record<PresetName, number>;
  measured: PresetName[];
}

export interface SpeedProbeOptions {
  warmupSteps?: number;
  steps?: number;
  /** A step slower than this is timed once after the warm-up, and no larger preset is timed (cpu stays usable). */
  slowStepMs?: number;
  /** Checked between steps: true abandons the probe (a training run wants the engine). */
  shouldStop?: () => boolean;
  /** Awaited before every step: generations go first. */
  beforeStep?: () => Promise<void>;
}

/** The options that can cross to the engine worker (plain data). */
export type SpeedProbeSettings = Omit<SpeedProbeOptions, 'shouldStop' | 'beforeStep'>;

/** A typical screenplay vocabulary's size. */
const PROBE_VOCAB = 80;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Fills in the defaults of the probe's options. */
export function probeOptions(options: SpeedProbeOptions = {}): Required<SpeedProbeOptions> {
  return {
    warmupSteps: options.warmupSteps ?? 1,
    steps: options.steps ?? 2,
    slowStepMs: options.slowStepMs ?? 1000,
    shouldStop: options.shouldStop ?? (() => false),
    beforeStep: options.beforeStep ?? (() => Promise.resolve()),
  };
}

/**
 * Times the engine's own training step on batches of `dataset` for a model of `hp` from its initial weights;
 * chars/s over the timed steps (waits before a step are not counted), or null when `shouldStop` said so.
 */
export async function timeTrainingSteps(
  dataset: CharDataset,
  vocabSize: number,
  hp: ModelHyperparams,
  opts: Required<SpeedProbeOptions>,
): Promise<number | null> {
  const rng = Rng.fromSeed(1);
  const { batchSize, seqLen } = DEFAULT_OPTIMIZER;
  const values = initialWeightValues(hp, vocabSize, rng);
  let weights = weightSpecs(hp, vocabSize).map((s, i) => tf.tensor(values[i] ?? [], s.shape, 'float32'));
  let adam = zeroAdamState(weights);
  let timedMs = 0;
  try {
    for (let i = 0; i < opts.warmupSteps + opts.steps; i++) {
      await yieldToEventLoop();
      await opts.beforeStep();
      if (opts.shouldStop()) return null;
      const stepStarted = performance.now();
      const seeds = Array.from({ length: hp.layers }, () => rng.nextUint32());
      const result = trainStep(weights, adam, dataset.sampleBatch(rng, batchSize), hp, DEFAULT_OPTIMIZER, seeds);
      weights = result.weights;
      adam = result.adam;
      await result.loss.data();
      result.loss.dispose();
      const stepMs = performance.now() - stepStarted;
      if (i < opts.warmupSteps) continue;
      if (stepMs > opts.slowStepMs) return (batchSize * seqLen * 1000) / stepMs;
      timedMs += stepMs;
    }
    return (opts.steps * batchSize * seqLen * 1000) / timedMs;
  } finally {
    tf.dispose(weights);
    disposeAdamState(adam);
  }
}

/** Times one preset on random characters (the cost per character barely depends on the text); chars/s. */
async function timePreset(preset: PresetName, opts: Required<SpeedProbeOptions>): Promise<number | null> {
  const rng = Rng.fromSeed(1);
  const alphabet = Array.from({ length: PROBE_VOCAB }, (_, i) => String.fromCharCode(32 + i)).join('');
  const text = Array.from({ length: 20_000 }, () => alphabet[rng.int(PROBE_VOCAB)]).join('');
  const vocab = Vocab.fromTexts([text]);
  const dataset = CharDataset.fromTexts([text], vocab, DEFAULT_OPTIMIZER.seqLen);
  return timeTrainingSteps(dataset, vocab.size, PRESETS[preset], opts);
}

/**
 * Measures presets from the smallest up, and stops timing once a preset is too slow to reach its best within the
 * time the recommendation allows (a larger one would be slower still), or its steps take over a second; the rest
 * are scaled by parameter count. Null when abandoned.
 */
export async function measureTrainingSpeed(options: SpeedProbeOptions = {}): Promise<TrainingSpeed | null> {
  const opts = probeOptions(options);
  const speeds: Partial<Record<PresetName, number>> = {};
  const measured: PresetName[] = [];
  let last: PresetName = 'small';
  for (const preset of PRESET_NAMES) {
    const lastSpeed = speeds[last] ?? 0;
    const slow = lastSpeed < (DEFAULT_OPTIMIZER.batchSize * DEFAULT_OPTIMIZER.seqLen * 1000) / opts.slowStepMs;
    if (measured.length > 0 && (slow || !qualifies(last, lastSpeed))) break;
    const speed = await timePreset(preset, opts);
    if (speed === null) return null;
    speeds[preset] = speed;
    measured.push(preset);
    last = preset;
  }
  const cost = (p: PresetName): number => parameterCount(PRESETS[p], PROBE_VOCAB);
  const charsPerSecond = Object.fromEntries(
    PRESET_NAMES.map((p) => [p, speeds[p] ?? ((speeds[last] ?? 0) * cost(last)) / cost(p)]),
  ) as Record<PresetName, number>;
  return { charsPerSecond, measured };
}
