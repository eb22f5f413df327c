import * as tf from '@tensorflow/tfjs';
import type { LstmSequenceResult } from './lstm-sequence';

// The plain autograd LSTM (tf ops only): the fallback for native/GPU backends and the tests' reference.

/** One LSTM cell update from the pre-activation z [B, 4U] (gate order i, f, c, o) and the cell state c [B, U]. */
function cell(z: tf.Tensor2D, c: tf.Tensor2D): { h: tf.Tensor2D; c: tf.Tensor2D } {
  const [zi, zf, zg, zo] = tf.split(z, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const cNext: tf.Tensor2D = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zg)));
  const hNext: tf.Tensor2D = tf.mul(tf.sigmoid(zo), tf.tanh(cNext));
  return { h: hNext, c: cNext };
}

/** Same contract as `lstmSequence`. x: [T, B, I] float32 time-major; kernel [I, 4U]; recurrentKernel [U, 4U]; bias [4U]; h0, c0: [B, U].
 *  Gate order i, f, c(g), o as in Keras/tfjs-layers, sigmoid gates, tanh cell. Returns outputs [T, B, U], hT, cT [B, U].
 *  Differentiable w.r.t. x, kernel, recurrentKernel, bias (gradients for h0/c0 may be zero). */
export function lstmSequenceReference(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
): LstmSequenceResult {
  return tf.tidy(() => {
    const [steps, batch, inputSize] = x.shape;
    const gates = kernel.shape[1];
    // The input projection of every time step in one matmul.
    const projected = tf
      .add(tf.matMul(tf.reshape(x, [steps * batch, inputSize]), kernel), bias)
      .reshape([steps, batch, gates]) as tf.Tensor3D;
    return lstmRecurrenceReference(projected, recurrentKernel, h0, c0);
  });
}

/** Same contract as `lstmRecurrence`: xw [T, B, 4U] is the projected input (x · kernel + bias) of every step. */
export function lstmRecurrenceReference(
  xw: tf.Tensor3D,
  recurrentKernel: tf.Tensor2D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
): LstmSequenceResult {
  return tf.tidy(() => {
    const [steps, batch, gates] = xw.shape;
    // Unstack's gradient breaks when it has a single output, so one step is a reshape.
    const perStep = steps === 1 ? [tf.reshape<tf.Rank.R2>(xw, [batch, gates])] : (tf.unstack(xw, 0) as tf.Tensor2D[]);
    let h = h0;
    let c = c0;
    const outputs: tf.Tensor2D[] = [];
    for (const xt of perStep) {
      const next = cell(tf.add(xt, tf.matMul(h, recurrentKernel)), c);
      h = next.h;
      c = next.c;
      outputs.push(h);
    }
    return { outputs: tf.stack(outputs, 0) as tf.Tensor3D, hT: h, cT: c };
  });
}

/** Same contract as `lstmStep`: x [B, I] -> h, c [B, U]. */
export function lstmStepReference(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  h: tf.Tensor2D,
  c: tf.Tensor2D,
): { h: tf.Tensor2D; c: tf.Tensor2D } {
  return tf.tidy(() => cell(tf.add(tf.add(tf.matMul(x, kernel), tf.matMul(h, recurrentKernel)), bias), c));
}
