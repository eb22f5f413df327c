import * as tf from '@tensorflow/tfjs';
import {
  batchRows,
  byName,
  fusedBackward,
  fusedForward,
  gradientOrder,
  lookupGradient,
  savedOrder,
  type FusedSaved,
} from './fused-lstm';
import { activeLstmHelper } from './lstm-helper';
import { fusedLstmActive, LSTM_STEP, registerLstmKernels } from './lstm-kernels';
import { lstmRecurrenceReference, lstmSequenceReference, lstmStepReference } from './lstm-reference';

export type LstmSequenceResult = {
  /** [T, B, U] */
  outputs: tf.Tensor3D;
  /** [B, U] */
  hT: tf.Tensor2D;
  /** [B, U] */
  cT: tf.Tensor2D;
};

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

/**
 * Forward and hand-written backprop through time over the fused kernels. Returns y [T+1, B, U]: h_1..h_T, then
 * c_T (one tensor, because customGrad has one output). With a helper thread running (wasm, batch >= 8), the
 * batch is split in two halves computed concurrently; weight gradients are the sum of the halves'.
 * Arguments (x, kernel, recurrentKernel, bias, h0, c0); with `ids` [T, B] int32, the input is a lookup of a
 * projected table instead: arguments (table [V, 4U], recurrentKernel, h0, c0), each thread looking up its own
 * half's rows and summing its half's dz per id into the table's gradient (so neither crosses between them).
 */
function fusedPass(ids: tf.Tensor2D | null) {
  const projected = ids !== null;
  const savedNames = savedOrder(projected);
  const gradientNames = gradientOrder(projected);
  const savedList = (s: FusedSaved): tf.Tensor[] => savedNames.map((name) => s[name] as tf.Tensor);
  return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = tensorArg(args, 0);
    const projection = projected
      ? null
      : { kernel: tensorArg(args, 1) as tf.Tensor2D, bias: tensorArg(args, 3) as tf.Tensor1D };
    const recurrentKernel = tensorArg(args, projected ? 1 : 2) as tf.Tensor2D;
    const h0 = tensorArg(args, projected ? 2 : 4) as tf.Tensor2D;
    const c0 = tensorArg(args, projected ? 3 : 5) as tf.Tensor2D;
    const [steps = 0, batch = 0] = ids === null ? input.shape : ids.shape;
    const inputSize = input.shape[ids === null ? 2 : 1] ?? 0;
    const tableRows = ids === null ? undefined : input.shape[0];
    /** The helper jobs' lookup option (HelperJob.tableRows). */
    const lookup = tableRows === undefined ? {} : { tableRows };
    const units = h0.shape[1];
    const helper = tf.getBackend() === 'wasm' && batch >= MIN_SPLIT_BATCH ? activeLstmHelper() : null;
    const half = helper === null ? batch : Math.ceil(batch / 2);
    const rest = batch - half;
    /** The ids of batch rows [from, from + count), time-major and flat (row t * count + b). */
    const idsOf = (from: number, count: number): tf.Tensor1D =>
      tf.reshape<tf.Rank.R1>(batchRows(ids as tf.Tensor2D, 1, from, count), [steps * count]);
    /** The ids of batch rows [from, from + count) as the helper's float32 buffer carries them (exact below 2^24). */
    const idsFor = (from: number, count: number): tf.Tensor1D => tf.cast(idsOf(from, count), 'float32');
    const x2d = (from: number, count: number): tf.Tensor2D =>
      ids === null
        ? tf.reshape<tf.Rank.R2>(batchRows(input, 1, from, count), [steps * count, inputSize])
        : (tf.gather(input, idsOf(from, count)) as tf.Tensor2D);
    /** The input's gradient from this thread's half: dx2d as it is, or for a lookup dz summed per id. */
    const inputGradient = (dx2d: tf.Tensor2D, from: number, count: number): tf.Tensor =>
      tableRows === undefined ? dx2d : lookupGradient(dx2d, idsOf(from, count), tableRows);
    // The helper's inputs: its rows of x, or for a lookup the whole table (it looks its own ids up).
    const other =
      helper === null
        ? null
        : {
            x2d: ids === null ? x2d(half, rest) : (input as tf.Tensor2D),
            h0: batchRows(h0, 0, half, rest),
            c0: batchRows(c0, 0, half, rest),
          };
    // Recording gradients: the helper keeps its half's saved tensors for the backward pass (only y comes back).
    const storeId = helper !== null && tf.engine().state.gradientDepth > 0 ? helper.nextStoreId() : null;
    if (helper !== null && other !== null) {
      const extra = projection === null ? [idsFor(half, rest)] : [projection.kernel, projection.bias];
      const inputs = [other.x2d, recurrentKernel, other.h0, other.c0, ...extra];
      const yShape = [steps + 1, rest, units];
      const outputShapes =
        storeId !== null
          ? [yShape]
          : [yShape, [steps, rest, units], [steps, rest, units], [steps, rest, 4 * units], [units, steps * rest]];
      helper.begin('forward', steps, inputs, outputShapes, storeId === null ? lookup : { store: storeId, ...lookup });
    }
    const own = { x2d: x2d(0, half), h0: batchRows(h0, 0, 0, half), c0: batchRows(c0, 0, 0, half) };
    const local = fusedForward(own.x2d, projection, recurrentKernel, own.h0, own.c0, steps);
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
      if (c !== undefined && tanhC !== undefined && gates !== undefined && hPrevT !== undefined) {
        const weights = projection === null ? {} : { x2d: other.x2d, kernel: projection.kernel };
        saved.push(...savedList({ ...weights, recurrentKernel, c0: other.c0, c, tanhC, gates, hPrevT }));
      }
    }
    saveArg(args)(saved);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor3D, kept: tf.Tensor[]) =>
        tf.tidy(() => {
          const own = byName<FusedSaved>(savedNames, kept.slice(0, savedNames.length));
          if (helper === null) {
            const g = fusedBackward(dy, own);
            return gradientNames.map((name) =>
              name !== 'dx2d'
                ? (g[name] as tf.Tensor)
                : ids === null
                  ? tf.reshape(g.dx2d, [steps, batch, inputSize])
                  : inputGradient(g.dx2d, 0, batch),
            );
          }
          const shapes: Record<(typeof gradientNames)[number], number[]> = {
            dx2d: tableRows === undefined ? [steps * rest, inputSize] : [tableRows, inputSize],
            dKernel: [inputSize, 4 * units],
            dRecurrent: [units, 4 * units],
            dBias: [4 * units],
            dh0: [rest, units],
            dc0: [rest, units],
          };
          const gradientShapes = gradientNames.map((name) => shapes[name]);
          // dy, for a lookup the helper's ids, then its saved tensors unless it kept them (storeId).
          const jobInputs: tf.Tensor[] = [batchRows(dy, 1, half, rest), ...(ids === null ? [] : [idsFor(half, rest)])];
          if (storeId === null) jobInputs.push(...kept.slice(savedNames.length));
          helper.begin(
            'backward',
            steps,
            jobInputs,
            gradientShapes,
            storeId === null ? lookup : { use: storeId, ...lookup },
          );
          const g = fusedBackward(batchRows(dy, 1, 0, half), own);
          const mineInput = inputGradient(g.dx2d, 0, half);
          const theirs = helper.end() as tf.Tensor2D[];
          return gradientNames.map((name, i) => {
            const mine = name === 'dx2d' ? mineInput : (g[name] as tf.Tensor);
            const other = theirs[i] as tf.Tensor;
            if (name === 'dx2d' && ids === null)
              return tf.concat(
                [tf.reshape(mine, [steps, half, inputSize]), tf.reshape(other, [steps, rest, inputSize])],
                1,
              );
            return name === 'dh0' || name === 'dc0' ? tf.concat([mine, other], 0) : tf.add(mine, other);
          });
        }),
    };
  });
}

const fusedSequence = fusedPass(null);

/** y [T+1, B, U] -> outputs, hT, cT. */
function sequenceResult(y: tf.Tensor3D, steps: number, batch: number, units: number): LstmSequenceResult {
  return {
    outputs: tf.slice(y, [0, 0, 0], [steps, batch, units]),
    hT: tf.reshape<tf.Rank.R2>(tf.slice(y, [steps - 1, 0, 0], [1, batch, units]), [batch, units]),
    cT: tf.reshape<tf.Rank.R2>(tf.slice(y, [steps, 0, 0], [1, batch, units]), [batch, units]),
  };
}

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
  return tf.tidy(() =>
    sequenceResult(fusedSequence(x, kernel, recurrentKernel, bias, h0, c0) as tf.Tensor3D, steps, batch, units),
  );
}

/**
 * lstmSequence for an input that is a lookup of a projected table: step t of batch row b takes row ids[t, b] of
 * table [V, 4U] (an embedding table times kernel, plus bias: the projection then costs the table's V rows, not
 * T * B, and its gradient sums dz per id instead of two products over every step). ids [T, B] int32.
 * Differentiable w.r.t. table and recurrentKernel.
 */
export function lstmRecurrence(
  table: tf.Tensor2D,
  ids: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
): LstmSequenceResult {
  if (ids.dtype !== 'int32') throw new Error(`lstmRecurrence needs int32 ids, got ${ids.dtype}`);
  if (!fusedLstmActive())
    return tf.tidy(() =>
      lstmRecurrenceReference(tf.gather(table, ids) as tf.Tensor as tf.Tensor3D, recurrentKernel, h0, c0),
    );
  registerLstmKernels();
  const [steps, batch, units] = [ids.shape[0], ids.shape[1], h0.shape[1]];
  return tf.tidy(() =>
    sequenceResult(fusedPass(ids)(table, recurrentKernel, h0, c0) as tf.Tensor3D, steps, batch, units),
  );
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
