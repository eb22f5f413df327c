import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernelOverrides } from '../wasm-kernels/index';
import {
  byName,
  fusedBackward,
  fusedForward,
  gradientOrder,
  lookupGradient,
  savedOrder,
  type FusedSaved,
} from './fused-lstm';
import { LOSS_SAVED_ORDER, lossBackwardRows, lossForwardRows, type LossSaved } from './dense-loss';
import { JOB_DONE, JOB_FAILED, tensorValues, type HelperJob, type HelperOp } from './lstm-helper';
import { registerLstmKernels } from './lstm-kernels';

// The helper thread of lstm-helper.ts: computes half-batch fused LSTM passes on its own wasm backend.

let control: Int32Array | null = null;
let data = new SharedArrayBuffer(0);
/** Saved tensors of forward passes whose backward has not come yet (HelperJob.store), oldest first. */
const kept = new Map<number, tf.Tensor[]>();
/**
 * More forward passes than this without their backward (a step that failed between the two, say) drop the
 * oldest: a training step keeps one per layer until its backward, so this bounds memory, not training.
 */
const MAX_KEPT = 16;

/** Keeps a forward pass's saved tensors under `id` (HelperJob.store), dropping the oldest beyond MAX_KEPT. */
function keep(id: number, tensors: tf.Tensor[]): void {
  kept.set(
    id,
    tensors.map((t) => tf.keep(t)),
  );
  for (const [old, list] of kept) {
    if (kept.size <= MAX_KEPT) break;
    tf.dispose(list);
    kept.delete(old);
  }
}

/** The saved tensors kept under `id`, which the caller then owns (disposes). */
function take(id: number): tf.Tensor[] {
  const stored = kept.get(id);
  if (stored === undefined) throw new Error(`no saved tensors for forward pass ${id}`);
  kept.delete(id);
  return stored;
}

function lstmForward(job: HelperJob, inputs: tf.Tensor[]): tf.Tensor[] {
  const tableRows = job.tableRows;
  // [x2d, recurrentKernel, h0, c0, kernel, bias], or for a lookup [table, recurrentKernel, h0, c0, ids].
  const [first, recurrentKernel, h0, c0, fifth, sixth] = inputs as tf.Tensor2D[];
  if (first === undefined || recurrentKernel === undefined || h0 === undefined || c0 === undefined)
    throw new Error(`forward job has ${inputs.length} inputs`);
  if (tableRows !== undefined && fifth === undefined) throw new Error('lookup forward job has no ids');
  const x2d = tableRows === undefined ? first : (tf.gather(first, tf.cast(fifth as tf.Tensor, 'int32')) as tf.Tensor2D);
  const projection =
    tableRows !== undefined || fifth === undefined || sixth === undefined
      ? null
      : { kernel: fifth, bias: sixth as tf.Tensor as tf.Tensor1D };
  const { y, saved } = fusedForward(x2d, projection, recurrentKernel, h0, c0, job.steps);
  if (job.store === undefined) return [y, saved.c, saved.tanhC, saved.gates, saved.hPrevT];
  keep(
    job.store,
    savedOrder(tableRows !== undefined).map((name) => saved[name] as tf.Tensor),
  );
  return [y];
}

function lstmBackward(job: HelperJob, inputs: tf.Tensor[]): tf.Tensor[] {
  const tableRows = job.tableRows;
  const projected = tableRows !== undefined;
  // [dy], for a lookup its ids, then the saved tensors unless kept here (job.use).
  const [dy, ...rest] = inputs;
  const ids = projected ? tf.cast(rest.shift() as tf.Tensor, 'int32') : null;
  const list = job.use === undefined ? rest : take(job.use);
  const names = savedOrder(projected);
  const saved = byName<FusedSaved>(names, list);
  const grads = fusedBackward(dy as tf.Tensor3D, saved);
  if (job.use !== undefined) tf.dispose(list);
  if (ids !== null && tableRows !== undefined) grads.dx2d = lookupGradient(grads.dx2d, ids as tf.Tensor1D, tableRows);
  return gradientOrder(projected).map((name) => grads[name] as tf.Tensor);
}

/** Inputs [x, kernel, bias, targets (as floats)]; keeps what the backward needs; returns the loss sum [1]. */
function lossForward(job: HelperJob, inputs: tf.Tensor[]): tf.Tensor[] {
  const [x, kernel, bias, targets] = inputs;
  if (x === undefined || kernel === undefined || bias === undefined || targets === undefined || job.store === undefined)
    throw new Error('loss forward job needs x, kernel, bias, targets and a store id');
  const { lossSum, saved } = lossForwardRows(
    x as tf.Tensor2D,
    kernel as tf.Tensor2D,
    bias as tf.Tensor1D,
    tf.cast(targets, 'int32') as tf.Tensor1D,
  );
  keep(
    job.store,
    LOSS_SAVED_ORDER.map((name) => saved[name]),
  );
  return [lossSum];
}

/** Inputs [scale]; returns dx, dKernel, dBias of the rows kept under job.use. */
function lossBackward(job: HelperJob, inputs: tf.Tensor[]): tf.Tensor[] {
  const [scale] = inputs;
  if (scale === undefined || job.use === undefined) throw new Error('loss backward job needs a scale and a use id');
  const list = take(job.use);
  const saved = byName<LossSaved>(LOSS_SAVED_ORDER, list);
  const g = lossBackwardRows(saved, scale);
  tf.dispose(list);
  return [g.dx, g.dKernel, g.dBias];
}

const OPS: Record<HelperOp, (job: HelperJob, inputs: tf.Tensor[]) => tf.Tensor[]> = {
  forward: lstmForward,
  backward: lstmBackward,
  lossForward,
  lossBackward,
};

function run(job: HelperJob): void {
  if (job.data !== undefined) data = job.data;
  const floats = new Float32Array(data);
  tf.tidy(() => {
    const inputs = job.inputs.map((r) =>
      tf.tensor(floats.subarray(r.offset, r.offset + r.shape.reduce((a, b) => a * b, 1)), r.shape, 'float32'),
    );
    const outputs = OPS[job.op](job, inputs);
    outputs.forEach((t, i) => floats.set(tensorValues(t), job.outputs[i]?.offset ?? 0));
  });
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('lstm-helper-worker must run in a worker thread');
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmKernelOverrides();
  registerLstmKernels();
  port.on('message', (message: { control?: SharedArrayBuffer } | HelperJob) => {
    if ('control' in message && message.control !== undefined) {
      control = new Int32Array(message.control);
      port.postMessage('ready');
      return;
    }
    if (control === null) return;
    let state = JOB_DONE;
    try {
      run(message as HelperJob);
    } catch {
      state = JOB_FAILED;
    }
    Atomics.store(control, 0, state);
    Atomics.notify(control, 0);
  });
}

void main();
