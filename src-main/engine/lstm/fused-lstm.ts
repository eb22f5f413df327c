import * as tf from '@tensorflow/tfjs';
import { LSTM_BACKWARD, LSTM_FORWARD } from './lstm-kernels';

/** What the backward pass of one fused forward pass needs (batch B may be a slice of the caller's batch). */
export interface FusedSaved {
  /** [T*B, I] */
  x2d: tf.Tensor2D;
  kernel: tf.Tensor2D;
  recurrentKernel: tf.Tensor2D;
  /** [B, U] */
  c0: tf.Tensor2D;
  /** [T, B, U] */
  c: tf.Tensor3D;
  /** [T, B, U] */
  tanhC: tf.Tensor3D;
  /** [T, B, 4U] */
  gates: tf.Tensor3D;
  /** [U, T*B] */
  hPrevT: tf.Tensor2D;
}

export const SAVED_ORDER = ['x2d', 'kernel', 'recurrentKernel', 'c0', 'c', 'tanhC', 'gates', 'hPrevT'] as const;

export interface FusedGradients {
  /** [T*B, I] */
  dx2d: tf.Tensor2D;
  dKernel: tf.Tensor2D;
  dRecurrent: tf.Tensor2D;
  dBias: tf.Tensor1D;
  dh0: tf.Tensor2D;
  dc0: tf.Tensor2D;
}

export const GRADIENT_ORDER = ['dx2d', 'dKernel', 'dRecurrent', 'dBias', 'dh0', 'dc0'] as const;

/**
 * Forward pass over the fused kernels: the input projection of all T steps in one matmul, then the recurrence.
 * Returns y [T+1, B, U] (h_1..h_T, then c_T) and the tensors the backward pass needs (the caller owns all).
 */
export function fusedForward(
  x2d: tf.Tensor2D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
  steps: number,
): { y: tf.Tensor3D; saved: FusedSaved } {
  const xw = tf.fused.matMul({ a: x2d, b: kernel, bias });
  const outputs = tf.engine().runKernel(LSTM_FORWARD, { xw, recurrentKernel, h0, c0 }, { steps }) as tf.Tensor[];
  xw.dispose();
  const [y, c, tanhC, gates, hPrevT] = outputs as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D];
  return { y, saved: { x2d, kernel, recurrentKernel, c0, c, tanhC, gates, hPrevT } };
}

/**
 * Backprop through time for dy [T+1, B, U] (gradient of y). The recurrence runs in the backward kernel; the
 * weight and input gradients are then one untransposed matmul each over all steps.
 */
export function fusedBackward(dy: tf.Tensor3D, s: FusedSaved): FusedGradients {
  return tf.tidy(() => {
    const [dz, dh0, dc0, dBias] = tf.engine().runKernel(LSTM_BACKWARD, {
      dy,
      recurrentKernelT: tf.transpose(s.recurrentKernel),
      c0: s.c0,
      c: s.c,
      tanhC: s.tanhC,
      gates: s.gates,
    }) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
    return {
      dx2d: tf.matMul(dz, tf.transpose(s.kernel)),
      dKernel: tf.matMul(tf.transpose(s.x2d), dz),
      dRecurrent: tf.matMul(s.hPrevT, dz),
      dBias,
      dh0,
      dc0,
    };
  }) as unknown as FusedGradients;
}
