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

/** The factor that brings the gradients' global L2 norm to at most clipNorm (PyTorch's clip_grad_norm_), []. */
export function globalNormScale(grads: readonly tf.Tensor[], clipNorm: number): tf.Scalar {
  const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
  return tf.minimum(tf.scalar(1), tf.div(tf.scalar(clipNorm), tf.add(norm, tf.scalar(1e-6))));
}

/** A fused kernel of one weight's update (wasm-kernels/adam-kernel.ts): inputs w, g, m, v, scale; attrs below. */
export const ADAM_UPDATE = 'UnderstudyAdamUpdate';

/** The fused kernel's attributes: the step's constants of the formula in adamUpdate. */
export interface AdamKernelAttrs {
  beta1: number;
  beta2: number;
  stepSize: number;
  secondCorrection: number;
  epsilon: number;
}

export function adamAttrs(attrs: Record<string, unknown>): AdamKernelAttrs {
  const get = (name: keyof AdamKernelAttrs): number => {
    const value = attrs[name];
    if (typeof value !== 'number') throw new TypeError(`${ADAM_UPDATE} needs a number ${name}`);
    return value;
  };
  return {
    beta1: get('beta1'),
    beta2: get('beta2'),
    stepSize: get('stepSize'),
    secondCorrection: get('secondCorrection'),
    epsilon: get('epsilon'),
  };
}

/**
 * One bias-corrected Adam update (PyTorch's formula) of the gradients times `scale` (the clipping factor, [];
 * none: 1); call inside tf.tidy. Returns new tensors only. Where the backend has the fused kernel (wasm), each
 * weight is one pass of it with the same float32 operations in the same order, so the same bits.
 */
export function adamUpdate(
  weights: readonly tf.Tensor[],
  grads: readonly tf.Tensor[],
  state: AdamState,
  hp: AdamHyperparams,
  scale?: tf.Scalar,
): { weights: tf.Tensor[]; m: tf.Tensor[]; v: tf.Tensor[] } {
  const t = state.step + 1;
  const attrs: AdamKernelAttrs = {
    beta1: hp.beta1,
    beta2: hp.beta2,
    stepSize: hp.learningRate / (1 - hp.beta1 ** t),
    secondCorrection: Math.sqrt(1 - hp.beta2 ** t),
    epsilon: hp.epsilon,
  };
  // The fused kernel takes the scale as a tensor ([] of 1 when there is none).
  const fusedScale = tf.getKernel(ADAM_UPDATE, tf.getBackend()) === undefined ? null : (scale ?? tf.scalar(1));
  const nextWeights: tf.Tensor[] = [];
  const nextM: tf.Tensor[] = [];
  const nextV: tf.Tensor[] = [];
  weights.forEach((w, i) => {
    const g = grads[i];
    const m = state.m[i];
    const v = state.v[i];
    if (g === undefined || m === undefined || v === undefined)
      throw new RangeError(`no gradient or moment for weight ${i}`);
    if (fusedScale !== null) {
      const inputs = { w, g, m, v, scale: fusedScale };
      const [w1, m1, v1] = tf.engine().runKernel(ADAM_UPDATE, inputs, { ...attrs }) as tf.Tensor[];
      if (w1 === undefined || m1 === undefined || v1 === undefined) throw new Error(`${ADAM_UPDATE} returned too few`);
      nextWeights.push(w1);
      nextM.push(m1);
      nextV.push(v1);
      return;
    }
    const gs = scale === undefined ? g : tf.mul(g, scale);
    const m1 = tf.add(tf.mul(m, attrs.beta1), tf.mul(gs, 1 - attrs.beta1));
    const v1 = tf.add(tf.mul(v, attrs.beta2), tf.mul(tf.square(gs), 1 - attrs.beta2));
    const denom = tf.add(tf.div(tf.sqrt(v1), attrs.secondCorrection), attrs.epsilon);
    nextWeights.push(tf.sub(w, tf.mul(tf.div(m1, denom), attrs.stepSize)));
    nextM.push(m1);
    nextV.push(v1);
  });
  return { weights: nextWeights, m: nextM, v: nextV };
}
