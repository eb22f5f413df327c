import * as tf from '@tensorflow/tfjs';
import { fusedLstmActive, LSTM_BACKWARD, LSTM_FORWARD, LSTM_STEP, registerLstmKernels } from './lstm-kernels';
import { lstmSequenceReference, lstmStepReference } from './lstm-reference';

export interface LstmSequenceResult {
  /** [T, B, U] */
  outputs: tf.Tensor3D;
  /** [B, U] */
  hT: tf.Tensor2D;
  /** [B, U] */
  cT: tf.Tensor2D;
}

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

/**
 * Forward and hand-written backprop through time over the fused kernels. Returns y [T+1, B, U]: h_1..h_T, then
 * c_T (one tensor, because customGrad has one output). Every matmul in the backward pass is untransposed: the
 * weights and the input are transposed once, explicitly, the forward kernel already wrote h_{t-1} transposed, and
 * the per-step recurrence runs inside the backward kernel.
 */
const fusedSequence = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = tensorArg(args, 0);
  const kernel = tensorArg(args, 1);
  const recurrentKernel = tensorArg(args, 2);
  const bias = tensorArg(args, 3);
  const h0 = tensorArg(args, 4);
  const c0 = tensorArg(args, 5);
  const [steps = 0, batch = 0, inputSize = 0] = x.shape;
  const x2d = tf.reshape(x, [steps * batch, inputSize]) as tf.Tensor2D;
  const xw = tf.fused.matMul({ a: x2d, b: kernel as tf.Tensor2D, bias });
  const [y, c, tanhC, gates, hPrevT] = tf
    .engine()
    .runKernel(LSTM_FORWARD, { xw, recurrentKernel, h0, c0 }, { steps }) as tf.Tensor[];
  saveArg(args)([x2d, kernel, recurrentKernel, c0, c, tanhC, gates, hPrevT] as tf.Tensor[]);
  return {
    value: y as tf.Tensor3D,
    gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [sx2d, sKernel, sRecurrent, sc0, sc, sTanhC, sGates, sHPrevT] = saved as [
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor3D,
          tf.Tensor3D,
          tf.Tensor3D,
          tf.Tensor2D,
        ];
        const [dz, dh0, dc0] = tf.engine().runKernel(LSTM_BACKWARD, {
          dy,
          recurrentKernelT: tf.transpose(sRecurrent),
          c0: sc0,
          c: sc,
          tanhC: sTanhC,
          gates: sGates,
        }) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const dx = tf.reshape(tf.matMul(dz, tf.transpose(sKernel)), [steps, batch, inputSize]);
        const dKernel = tf.matMul(tf.transpose(sx2d), dz);
        const dRecurrent = tf.matMul(sHPrevT, dz);
        const dBias = tf.sum(dz, 0);
        return [dx, dKernel, dRecurrent, dBias, dh0, dc0];
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
