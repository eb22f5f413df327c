import * as tf from '@tensorflow/tfjs';
import { fusedBackward, fusedForward, SAVED_ORDER, type FusedSaved } from './fused-lstm';
import { activeLstmHelper } from './lstm-helper';
import { fusedLstmActive, LSTM_STEP, registerLstmKernels } from './lstm-kernels';
import { lstmSequenceReference, lstmStepReference } from './lstm-reference';

export interface LstmSequenceResult {
  /** [T, B, U] */
  outputs: tf.Tensor3D;
  /** [B, U] */
  hT: tf.Tensor2D;
  /** [B, U] */
  cT: tf.Tensor2D;
}

/** Below this batch size a helper thread costs more than it saves. */
const MIN_SPLIT_BATCH = 8;

function tensorArg(args: Array<tf.Tensor | tf.GradSaveFunc>, index: number): tf.Tensor {
  const arg = args[index];
  if (!(arg instanceof tf.Tensor)) throw new Error(`lstmSequence argument ${index} is not a tensor`);
  return arg;
}

function saveArg(args: Array<tf.Tensor | tf.GradSaveFunc>): tf.GradSaveFunc {
  const save = args[args.length - 1];
  if (typeof save !== 'function') throw new Error('customGrad passed no save function');
  return save;
}

const savedList = (s: FusedSaved): tf.Tensor[] => SAVED_ORDER.map((name) => s[name]);

function savedFrom(list: tf.Tensor[]): FusedSaved {
  return Object.fromEntries(SAVED_ORDER.map((name, i) => [name, list[i]])) as unknown as FusedSaved;
}

/** Rows [from, from + count) of the batch axis (axis 1 of [T, B, ...], axis 0 of [B, ...]). */
function batchRows<T extends tf.Tensor>(t: T, axis: 0 | 1, from: number, count: number): T {
  if (from === 0 && count === t.shape[axis]) return t;
  const begin = t.shape.map((_, i) => (i === axis ? from : 0));
  const sizes = t.shape.map((d, i) => (i === axis ? count : d));
  return tf.slice(t, begin, sizes);
}

/**
 * Forward and hand-written backprop through time over the fused kernels. Returns y [T+1, B, U]: h_1..h_T, then
 * c_T (one tensor, because customGrad has one output). With a helper thread running (wasm, batch >= 8), the
 * batch is split in two halves computed concurrently; weight gradients are the sum of the halves'.
 */
const fusedSequence = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = tensorArg(args, 0);
  const kernel = tensorArg(args, 1) as tf.Tensor2D;
  const recurrentKernel = tensorArg(args, 2) as tf.Tensor2D;
  const bias = tensorArg(args, 3) as tf.Tensor1D;
  const h0 = tensorArg(args, 4) as tf.Tensor2D;
  const c0 = tensorArg(args, 5) as tf.Tensor2D;
  const [steps = 0, batch = 0, inputSize = 0] = x.shape;
  const units = h0.shape[1];
  const helper = tf.getBackend() === 'wasm' && batch >= MIN_SPLIT_BATCH ? activeLstmHelper() : null;
  const half = helper === null ? batch : Math.ceil(batch / 2);
  const rest = batch - half;
  const x2d = (from: number, count: number) =>
    tf.reshape<tf.Rank.R2>(batchRows(x, 1, from, count), [steps * count, inputSize]);
  const other =
    helper === null
      ? null
      : { x2d: x2d(half, rest), h0: batchRows(h0, 0, half, rest), c0: batchRows(c0, 0, half, rest) };
  // Recording gradients: the helper keeps its half's saved tensors for the backward pass (only y comes back).
  const storeId = helper !== null && tf.engine().state.gradientDepth > 0 ? helper.nextStoreId() : null;
  if (helper !== null && other !== null) {
    const inputs = [other.x2d, kernel, recurrentKernel, bias, other.h0, other.c0];
    const yShape = [steps + 1, rest, units];
    const outputShapes =
      storeId !== null
        ? [yShape]
        : [yShape, [steps, rest, units], [steps, rest, units], [steps, rest, 4 * units], [units, steps * rest]];
    helper.begin('forward', steps, inputs, outputShapes, storeId === null ? {} : { store: storeId });
  }
  const own = { x2d: x2d(0, half), h0: batchRows(h0, 0, 0, half), c0: batchRows(c0, 0, 0, half) };
  const local = fusedForward(own.x2d, kernel, recurrentKernel, bias, own.h0, own.c0, steps);
  let y = local.y;
  const saved = savedList(local.saved);
  if (helper !== null && other !== null) {
    const [yRest, c, tanhC, gates, hPrevT] = helper.end() as [
      tf.Tensor3D,
      tf.Tensor3D?,
      tf.Tensor3D?,
      tf.Tensor3D?,
      tf.Tensor2D?,
    ];
    y = tf.concat([local.y, yRest], 1);
    if (c !== undefined && tanhC !== undefined && gates !== undefined && hPrevT !== undefined)
      saved.push(...savedList({ x2d: other.x2d, kernel, recurrentKernel, c0: other.c0, c, tanhC, gates, hPrevT }));
  }
  saveArg(args)(saved);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor3D, kept: tf.Tensor[]) =>
      tf.tidy(() => {
        const own = savedFrom(kept.slice(0, SAVED_ORDER.length));
        if (helper === null) {
          const g = fusedBackward(dy, own);
          return [tf.reshape(g.dx2d, [steps, batch, inputSize]), g.dKernel, g.dRecurrent, g.dBias, g.dh0, g.dc0];
        }
        const gradientShapes = [
          [steps * rest, inputSize],
          [inputSize, 4 * units],
          [units, 4 * units],
          [4 * units],
          [rest, units],
          [rest, units],
        ];
        // The helper's saved tensors: kept there (storeId), else here after this thread's own.
        const dyRest = batchRows(dy, 1, half, rest);
        if (storeId !== null) helper.begin('backward', steps, [dyRest], gradientShapes, { use: storeId });
        else helper.begin('backward', steps, [dyRest, ...kept.slice(SAVED_ORDER.length)], gradientShapes);
        const g = fusedBackward(batchRows(dy, 1, 0, half), own);
        const [dx2d, dKernel, dRecurrent, dBias, dh0, dc0] = helper.end() as tf.Tensor2D[];
        return [
          tf.concat(
            [tf.reshape(g.dx2d, [steps, half, inputSize]), tf.reshape(dx2d as tf.Tensor, [steps, rest, inputSize])],
            1,
          ),
          tf.add(g.dKernel, dKernel as tf.Tensor),
          tf.add(g.dRecurrent, dRecurrent as tf.Tensor),
          tf.add(g.dBias, dBias as tf.Tensor),
          tf.concat([g.dh0, dh0 as tf.Tensor2D], 0),
          tf.concat([g.dc0, dc0 as tf.Tensor2D], 0),
        ];
      }),
  };
});

/** x: [T, B, I] float32 time-major; kernel [I, 4U]; recurrentKernel [U, 4U]; bias [4U]; h0, c0: [B, U].
 *  Gate order i, f, c(g), o as in Keras/tfjs-layers, sigmoid gates, tanh cell. Returns outputs [T, B, U], hT, cT [B, U].
 *  Differentiable w.r.t. x, kernel, recurrentKernel, bias (gradients for h0/c0 may be zero). */
export function lstmSequence(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
): LstmSequenceResult {
  if (!fusedLstmActive()) return lstmSequenceReference(x, kernel, recurrentKernel, bias, h0, c0);
  registerLstmKernels();
  const [steps, batch, units] = [x.shape[0], x.shape[1], h0.shape[1]];
  return tf.tidy(() => {
    const y = fusedSequence(x, kernel, recurrentKernel, bias, h0, c0) as tf.Tensor3D;
    return {
      outputs: tf.slice(y, [0, 0, 0], [steps, batch, units]),
      hT: tf.reshape<tf.Rank.R2>(tf.slice(y, [steps - 1, 0, 0], [1, batch, units]), [batch, units]),
      cT: tf.reshape<tf.Rank.R2>(tf.slice(y, [steps, 0, 0], [1, batch, units]), [batch, units]),
    };
  });
}

/** One step for generation: x [B, I] -> h, c [B, U]. */
export function lstmStep(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  h: tf.Tensor2D,
  c: tf.Tensor2D,
): { h: tf.Tensor2D; c: tf.Tensor2D } {
  if (!fusedLstmActive()) return lstmStepReference(x, kernel, recurrentKernel, bias, h, c);
  registerLstmKernels();
  const [hNext, cNext] = tf.engine().runKernel(LSTM_STEP, { x, kernel, recurrentKernel, bias, h, c }, {}) as [
    tf.Tensor2D,
    tf.Tensor2D,
  ];
  return { h: hNext, c: cNext };
}
