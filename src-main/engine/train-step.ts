import * as tf from '@tensorflow/tfjs';
import type { Batch } from './dataset.ts';
import { crossEntropy, forward, unflattenWeights, zeroState } from './model.ts';
import { ADAM_DEFAULTS, adamUpdate, clipByGlobalNorm, disposeAdamState, type AdamState } from './optimizer.ts';
import type { ModelHyperparams, OptimizerHyperparams } from './types.ts';

/** [B, T] batch-major -> [T, B] time-major. */
export function toTimeMajor(values: Int32Array, count: number, length: number): Int32Array {
  const out = new Int32Array(values.length);
  for (let b = 0; b < count; b++) for (let t = 0; t < length; t++) out[t * count + b] = values[b * length + t] ?? 0;
  return out;
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
    const { logits } = forward(w, inputs, zeroState(w, batch.count), { rate: model.dropout, seeds: dropoutSeeds });
    return crossEntropy(logits, targets);
  };
  const result = tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads(lossFn)(weights);
    const clipped = clipByGlobalNorm(grads, optimizer.clipNorm);
    return {
      loss: value,
      ...adamUpdate(weights, clipped, adam, { ...ADAM_DEFAULTS, learningRate: optimizer.learningRate }),
    };
  });
  tf.dispose([inputs, targets, ...weights]);
  disposeAdamState(adam);
  return { loss: result.loss, weights: result.weights, adam: { m: result.m, v: result.v, step: adam.step + 1 } };
}
