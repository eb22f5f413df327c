import * as tf from '@tensorflow/tfjs';
import { LSTM_BACKWARD, LSTM_FORWARD } from './lstm-kernels';

/**
 * The input projection x · kernel + bias of a fused pass. Null where the input is projected already
 * (`lstmRecurrence`: x2d is then xw [T*B, 4U] itself, looked up in a projected table, and its gradient is dz).
 */
export interface InputProjection {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D;
}

/** What the backward pass of one fused forward pass needs (batch B may be a slice of the caller's batch). */
export interface FusedSaved {
  /** [T*B, I]; absent for a projected input. */
  x2d?: tf.Tensor2D;
  /** Absent for a projected input. */
  kernel?: tf.Tensor2D;
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

const SAVED_ORDER = ['x2d', 'kernel', 'recurrentKernel', 'c0', 'c', 'tanhC', 'gates', 'hPrevT'] as const;

/** The saved tensors' order as lists (customGrad's save, the helper thread's regions). */
export function savedOrder(projected: boolean): readonly (typeof SAVED_ORDER)[number][] {
  return projected ? SAVED_ORDER.slice(2) : SAVED_ORDER;
}

export interface FusedGradients {
  /** [T*B, I]: with a projected input, dz [T*B, 4U]. */
  dx2d: tf.Tensor2D;
  /** Absent for a projected input (the caller's projection takes dz). */
  dKernel?: tf.Tensor2D;
  dBias?: tf.Tensor1D;
  dRecurrent: tf.Tensor2D;
  dh0: tf.Tensor2D;
  dc0: tf.Tensor2D;
}

const GRADIENT_ORDER = ['dx2d', 'dKernel', 'dRecurrent', 'dBias', 'dh0', 'dc0'] as const;

/**
 * Rows [from, from + count) along `axis`: the batch axis of [T, B, ...] (1) or of [B, ...] (0), or the rows of a
 * matrix (0). The tensor itself when that is all of it.
 */
export function batchRows<T extends tf.Tensor>(t: T, axis: 0 | 1, from: number, count: number): T {
  if (from === 0 && count === t.shape[axis]) return t;
  const begin = t.shape.map((_, i) => (i === axis ? from : 0));
  const sizes = t.shape.map((d, i) => (i === axis ? count : d));
  return tf.slice(t, begin, sizes);
}

/** A list of tensors in the order of `names` (savedOrder, LOSS_SAVED_ORDER) as the object it lists. */
export function byName<T>(names: readonly string[], list: readonly tf.Tensor[]): T {
  return Object.fromEntries(names.map((name, i) => [name, list[i]])) as T;
}

/**
 * The gradient of a table [rows, 4U] whose rows ids [T*B] int32 were the projected input: dz [T*B, 4U] summed
 * per id (what a gather's gradient is). Each thread sums its own half's, so dz never crosses between them.
 */
export function lookupGradient(dz: tf.Tensor2D, ids: tf.Tensor1D, rows: number): tf.Tensor2D {
  return tf.unsortedSegmentSum(dz, ids, rows);
}

/** The gradients' order as lists (customGrad's result, the helper thread's regions). */
export function gradientOrder(projected: boolean): readonly (typeof GRADIENT_ORDER)[number][] {
  return projected ? GRADIENT_ORDER.filter((name) => name !== 'dKernel' && name !== 'dBias') : GRADIENT_ORDER;
}

/**
 * Forward pass over the fused kernels: the input projection of all T steps in one matmul (unless x2d is projected
 * already), then the recurrence. Returns y [T+1, B, U] (h_1..h_T, then c_T) and the tensors the backward pass needs
 * (the caller owns all).
 */
export function fusedForward(
  x2d: tf.Tensor2D,
  projection: InputProjection | null,
  recurrentKernel: tf.Tensor2D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
  steps: number,
): { y: tf.Tensor3D; saved: FusedSaved } {
  const xw = projection === null ? x2d : tf.fused.matMul({ a: x2d, b: projection.kernel, bias: projection.bias });
  const outputs = tf.engine().runKernel(LSTM_FORWARD, { xw, recurrentKernel, h0, c0 }, { steps }) as tf.Tensor[];
  if (xw !== x2d) xw.dispose();
  const [y, c, tanhC, gates, hPrevT] = outputs as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D];
  const input = projection === null ? {} : { x2d, kernel: projection.kernel };
  return { y, saved: { ...input, recurrentKernel, c0, c, tanhC, gates, hPrevT } };
}

/**
 * Backprop through time for dy [T+1, B, U] (gradient of y). The recurrence runs in the backward kernel; the
 * weight and input gradients are then one untransposed matmul each over all steps (for a projected input, its
 * gradient is dz itself).
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
    const dRecurrent = tf.matMul(s.hPrevT, dz);
    if (s.kernel === undefined || s.x2d === undefined) return { dx2d: dz, dRecurrent, dh0, dc0 };
    return {
      dx2d: tf.matMul(dz, tf.transpose(s.kernel)),
      dKernel: tf.matMul(tf.transpose(s.x2d), dz),
      dRecurrent,
      dBias,
      dh0,
      dc0,
    };
  }) as unknown as FusedGradients;
}
