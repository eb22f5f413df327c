import * as tf from '@tensorflow/tfjs';
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendAccess } from './backend-access';
import { batchRows, byName } from './fused-lstm';
import { activeLstmHelper } from './lstm-helper';
import { FUSED_LSTM_BACKENDS, registerAccessKernel } from './lstm-kernels';

// The output layer and its loss for training: logits = x · kernel + bias, mean cross-entropy against the targets,
// with a hand-written gradient (softmax - one-hot), split by rows across the helper thread where one runs (the
// rows are independent, so each thread does half the products, the softmax and the gradient of its own half).

export const SOFTMAX_CROSS_ENTROPY = 'UnderstudySoftmaxCrossEntropy';
export const SOFTMAX_CROSS_ENTROPY_GRAD = 'UnderstudySoftmaxCrossEntropyGrad';

/** Below this many rows a helper thread costs more than it saves. */
const MIN_SPLIT_ROWS = 256;

function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const info = inputs[name];
  if (info === undefined) throw new Error(`loss kernel input '${name}' missing`);
  return info;
}

/** A target as a row index of the logits, checked: targets come from the vocabulary. */
function targetAt(targets: Int32Array, row: number, classes: number): number {
  const target = targets[row] ?? -1;
  if (!(target >= 0 && target < classes)) throw new RangeError(`target ${target} is not in [0, ${classes - 1}]`);
  return target;
}

/**
 * Inputs logits [N, V], targets [N] int32. Outputs probs [N, V] (the softmax) and lossSum [1]:
 * the sum over rows of logsumexp(row) - row[target], accumulated in float64.
 */
function softmaxCrossEntropy(access: BackendAccess, inputs: NamedTensorInfoMap): TensorInfo[] {
  const logitsInfo = input(inputs, 'logits');
  const [rows = 0, classes = 0] = logitsInfo.shape;
  const probsInfo = access.alloc([rows, classes]);
  const lossInfo = access.alloc([1]);
  const logits = access.view(logitsInfo);
  const targets = access.indices(input(inputs, 'targets'));
  const probs = access.view(probsInfo);
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const from = r * classes;
    let max = -Infinity;
    for (let j = 0; j < classes; j++) max = Math.max(max, logits[from + j] ?? 0);
    let sum = 0;
    for (let j = 0; j < classes; j++) {
      const e = Math.exp((logits[from + j] ?? 0) - max);
      probs[from + j] = e;
      sum += e;
    }
    for (let j = 0; j < classes; j++) probs[from + j] = (probs[from + j] ?? 0) / sum;
    loss += max + Math.log(sum) - (logits[from + targetAt(targets, r, classes)] ?? 0);
  }
  access.view(lossInfo)[0] = loss;
  return [probsInfo, lossInfo];
}

/** Inputs probs [N, V], targets [N] int32, scale []: dLogits [N, V] = (probs - oneHot(targets)) · scale. */
function softmaxCrossEntropyGrad(access: BackendAccess, inputs: NamedTensorInfoMap): TensorInfo[] {
  const probsInfo = input(inputs, 'probs');
  const [rows = 0, classes = 0] = probsInfo.shape;
  const outInfo = access.alloc([rows, classes]);
  const probs = access.view(probsInfo);
  const targets = access.indices(input(inputs, 'targets'));
  const scale = access.view(input(inputs, 'scale'))[0] ?? 0;
  const out = access.view(outInfo);
  for (let i = 0; i < rows * classes; i++) out[i] = (probs[i] ?? 0) * scale;
  for (let r = 0; r < rows; r++) {
    const at = r * classes + targetAt(targets, r, classes);
    out[at] = ((probs[at] ?? 0) - 1) * scale;
  }
  return [outInfo];
}

function registerLossKernels(): void {
  for (const backendName of FUSED_LSTM_BACKENDS) {
    registerAccessKernel(SOFTMAX_CROSS_ENTROPY, backendName, (access, inputs) => softmaxCrossEntropy(access, inputs));
    registerAccessKernel(SOFTMAX_CROSS_ENTROPY_GRAD, backendName, (access, inputs) =>
      softmaxCrossEntropyGrad(access, inputs),
    );
  }
}

/** What the backward pass of some rows needs. */
export interface LossSaved {
  /** [n, U] */
  x: tf.Tensor2D;
  kernel: tf.Tensor2D;
  /** [n, V] */
  probs: tf.Tensor2D;
  /** [n] int32 */
  targets: tf.Tensor1D;
}

export const LOSS_SAVED_ORDER = ['x', 'kernel', 'probs', 'targets'] as const;

/**
 * Rows x [n, U] through the output layer against targets [n] int32: the sum of their losses [1]
 * and what their backward needs.
 */
export function lossForwardRows(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  targets: tf.Tensor1D,
): { lossSum: tf.Tensor1D; saved: LossSaved } {
  registerLossKernels();
  const logits = tf.fused.matMul({ a: x, b: kernel, bias });
  const [probs, lossSum] = tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { logits, targets }) as [
    tf.Tensor2D,
    tf.Tensor1D,
  ];
  logits.dispose();
  return { lossSum, saved: { x, kernel, probs, targets } };
}

/** The gradients of scale · (their loss sum) for the rows of `saved`: dx [n, U], dKernel [U, V], dBias [V]. */
export function lossBackwardRows(
  saved: LossSaved,
  scale: tf.Tensor,
): { dx: tf.Tensor2D; dKernel: tf.Tensor2D; dBias: tf.Tensor1D } {
  registerLossKernels();
  return tf.tidy(() => {
    const [dLogits] = tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_GRAD, {
      probs: saved.probs,
      targets: saved.targets,
      scale,
    }) as [tf.Tensor2D];
    return {
      dx: tf.matMul(dLogits, saved.kernel, false, true),
      dKernel: tf.matMul(saved.x, dLogits, true, false),
      dBias: tf.sum(dLogits, 0),
    };
  });
}

/**
 * Mean cross-entropy in nats of x [N, U] through the output layer (kernel [U, V], bias [V]) against targets [N]
 * int32, on the backends the fused LSTM runs on: crossEntropy(x · kernel + bias, targets) with the softmax and its
 * gradient in one pass each. Differentiable w.r.t. x, kernel and bias. Under gradient recording with a helper
 * thread (wasm), the helper takes the second half of the rows and keeps what its backward needs.
 */
export function fusedDenseCrossEntropy(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  targets: tf.Tensor1D,
): tf.Scalar {
  const total = x.shape[0];
  const recording = tf.engine().state.gradientDepth > 0;
  const helper = recording && tf.getBackend() === 'wasm' && total >= MIN_SPLIT_ROWS ? activeLstmHelper() : null;
  const own = helper === null ? total : Math.ceil(total / 2);
  const rest = total - own;
  const [units = 0, classes = 0] = kernel.shape;
  const loss = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xIn, kernelIn, biasIn, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const storeId = helper?.nextStoreId() ?? 0;
    if (helper !== null) {
      // The helper's buffer holds float32: its targets cross as floats (whole numbers, exact below 2^24).
      const theirs = tf.cast(batchRows(targets, 0, own, rest), 'float32');
      helper.begin('lossForward', 0, [batchRows(xIn, 0, own, rest), kernelIn, biasIn, theirs], [[1]], {
        store: storeId,
      });
      theirs.dispose();
    }
    const mine = lossForwardRows(batchRows(xIn, 0, 0, own), kernelIn, biasIn, batchRows(targets, 0, 0, own));
    const sum = helper === null ? mine.lossSum : tf.add(mine.lossSum, helper.end()[0] as tf.Tensor);
    save(LOSS_SAVED_ORDER.map((name) => mine.saved[name]));
    return {
      value: tf.reshape<tf.Rank.R0>(tf.div(sum, total), []),
      gradFunc: (dy: tf.Scalar, kept: tf.Tensor[]) =>
        tf.tidy(() => {
          const saved = byName<LossSaved>(LOSS_SAVED_ORDER, kept);
          const scale = tf.div(dy, total);
          if (helper !== null)
            helper.begin('lossBackward', 0, [scale], [[rest, units], [units, classes], [classes]], { use: storeId });
          const g = lossBackwardRows(saved, scale);
          if (helper === null) return [g.dx, g.dKernel, g.dBias];
          const [dx, dKernel, dBias] = helper.end() as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
          return [tf.concat([g.dx, dx], 0), tf.add(g.dKernel, dKernel), tf.add(g.dBias, dBias)];
        }),
    };
  });
  return loss(x, kernel, bias) as tf.Scalar;
}
