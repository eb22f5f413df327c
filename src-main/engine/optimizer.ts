import * as tf from '@tensorflow/tfjs';

export interface AdamHyperparams {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const ADAM_DEFAULTS: Omit<AdamHyperparams, 'learningRate'> = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/** First and second moments, one tensor per weight, and the number of updates applied so far. */
export interface AdamState {
  m: tf.Tensor[];
  v: tf.Tensor[];
  step: number;
}

export function zeroAdamState(weights: readonly tf.Tensor[]): AdamState {
  return { m: weights.map((w) => tf.zerosLike(w)), v: weights.map((w) => tf.zerosLike(w)), step: 0 };
}

export function disposeAdamState(state: AdamState): void {
  tf.dispose([...state.m, ...state.v]);
}

/** Scales all gradients together so their global L2 norm is at most clipNorm (PyTorch's clip_grad_norm_). */
export function clipByGlobalNorm(grads: readonly tf.Tensor[], clipNorm: number): tf.Tensor[] {
  const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
  const scale = tf.minimum(tf.scalar(1), tf.div(tf.scalar(clipNorm), tf.add(norm, tf.scalar(1e-6))));
  return grads.map((g) => tf.mul(g, scale));
}

/** One bias-corrected Adam update (PyTorch's formula); call inside tf.tidy. Returns new tensors only. */
export function adamUpdate(
  weights: readonly tf.Tensor[],
  grads: readonly tf.Tensor[],
  state: AdamState,
  hp: AdamHyperparams,
): { weights: tf.Tensor[]; m: tf.Tensor[]; v: tf.Tensor[] } {
  const t = state.step + 1;
  const stepSize = hp.learningRate / (1 - hp.beta1 ** t);
  const secondCorrection = Math.sqrt(1 - hp.beta2 ** t);
  const nextWeights: tf.Tensor[] = [];
  const nextM: tf.Tensor[] = [];
  const nextV: tf.Tensor[] = [];
  weights.forEach((w, i) => {
    const g = grads[i];
    const m = state.m[i];
    const v = state.v[i];
    if (g === undefined || m === undefined || v === undefined)
      throw new RangeError(`no gradient or moment for weight ${i}`);
    const m1 = tf.add(tf.mul(m, hp.beta1), tf.mul(g, 1 - hp.beta1));
    const v1 = tf.add(tf.mul(v, hp.beta2), tf.mul(tf.square(g), 1 - hp.beta2));
    const denom = tf.add(tf.div(tf.sqrt(v1), secondCorrection), hp.epsilon);
    nextWeights.push(tf.sub(w, tf.mul(tf.div(m1, denom), stepSize)));
    nextM.push(m1);
    nextV.push(v1);
  });
  return { weights: nextWeights, m: nextM, v: nextV };
}
