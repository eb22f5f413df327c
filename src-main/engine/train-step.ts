import * as tf from '@tensorflow/tfjs';
import type { Batch } from './dataset.ts';
import { forwardLoss, unflattenWeights, zeroState } from './model.ts';
import { ADAM_DEFAULTS, adamUpdate, disposeAdamState, globalNormScale, type AdamState } from './optimizer.ts';
import type { ModelHyperparams, OptimizerHyperparams } from './types.ts';

/** [B, T] batch-major -> [T, B] time-major. */
export function toTimeMajor(values: Int32Array, count: number, length: number): Int32Array {
  const out = new Int32Array(values.length);
  for (let b = 0; b < count; b++) for (let t = 0; t < length; t++) out[t * count + b] = values[b * length + t] ?? 0;
  return out;
}

/** The learning rate of the step after `stepsDone` Adam steps: linear warm-up, then the configured rate. */
export function scheduledLearningRate(optimizer: OptimizerHyperparams, stepsDone: number): number {
  const warmup = optimizer.warmupSteps ?? 0;
  return warmup > 0 ? optimizer.learningRate * Math.min(1, (stepsDone + 1) / warmup) : optimizer.learningRate;
}

/**
 * Whether weight `index` of the flattened list (embedding, 3 per LSTM layer, dense kernel, dense bias) learns
 * at this step: while `freezeSteps` last, the LSTM layers keep the base's weights (a zero gradient leaves a fresh
 * Adam's moments, and so the weight, exactly where they are).
 */
export function learnsAt(optimizer: OptimizerHyperparams, stepsDone: number, index: number, count: number): boolean {
  const frozen = stepsDone < (optimizer.freezeSteps ?? 0);
  return !frozen || index === 0 || index >= count - 2;
}

/**
 * One training step: loss, gradients, global-norm clipping, Adam. Consumes (disposes) the given weights and
 * moments and returns new ones, plus the loss [] for the caller to read and dispose.
 */
export function trainStep(
  weights: tf.Tensor[],
  adam: AdamState,
  batch: Batch,
  model: ModelHyperparams,
  optimizer: OptimizerHyperparams,
  dropoutSeeds: number[],
): { loss: tf.Scalar; weights: tf.Tensor[]; adam: AdamState } {
  const inputs = tf.tensor2d(
    toTimeMajor(batch.inputs, batch.count, batch.length),
    [batch.length, batch.count],
    'int32',
  );
  const targets = tf.tensor1d(toTimeMajor(batch.targets, batch.count, batch.length), 'int32');
  const lossFn = (...ws: tf.Tensor[]): tf.Scalar => {
    const w = unflattenWeights(ws);
    return forwardLoss(w, inputs, targets, zeroState(w, batch.count), { rate: model.dropout, seeds: dropoutSeeds });
  };
  const result = tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads(lossFn)(weights);
    const learning = grads.map((g, i) => (learnsAt(optimizer, adam.step, i, grads.length) ? g : tf.zerosLike(g)));
    const scale = globalNormScale(learning, optimizer.clipNorm);
    const learningRate = scheduledLearningRate(optimizer, adam.step);
    return { loss: value, ...adamUpdate(weights, learning, adam, { ...ADAM_DEFAULTS, learningRate }, scale) };
  });
  tf.dispose([inputs, targets, ...weights]);
  disposeAdamState(adam);
  return { loss: result.loss, weights: result.weights, adam: { m: result.m, v: result.v, step: adam.step + 1 } };
}
