import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernelOverrides } from '../wasm-kernels/index';
import { fusedBackward, fusedForward, gradientOrder, savedOrder, type FusedSaved } from './fused-lstm';
import { JOB_DONE, JOB_FAILED, tensorValues, type HelperJob } from './lstm-helper';
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

function run(job: HelperJob): void {
  if (job.data !== undefined) data = job.data;
  const floats = new Float32Array(data);
  tf.tidy(() => {
    const inputs = job.inputs.map((r) =>
      tf.tensor(floats.subarray(r.offset, r.offset + r.shape.reduce((a, b) => a * b, 1)), r.shape, 'float32'),
    );
    let outputs: tf.Tensor[];
    const projected = job.projected === true;
    const savedNames = savedOrder(projected);
    if (job.op === 'forward') {
      // [x2d, recurrentKernel, h0, c0], then kernel and bias unless x2d is a projected input.
      const [x2d, recurrentKernel, h0, c0, kernel, bias] = inputs as tf.Tensor2D[];
      if (x2d === undefined || recurrentKernel === undefined || h0 === undefined || c0 === undefined)
        throw new Error(`forward job has ${inputs.length} inputs`);
      const projection =
        projected || kernel === undefined || bias === undefined
          ? null
          : { kernel, bias: bias as tf.Tensor as tf.Tensor1D };
      const { y, saved } = fusedForward(x2d, projection, recurrentKernel, h0, c0, job.steps);
      if (job.store === undefined) outputs = [y, saved.c, saved.tanhC, saved.gates, saved.hPrevT];
      else {
        outputs = [y];
        kept.set(
          job.store,
          savedNames.map((name) => tf.keep(saved[name] as tf.Tensor)),
        );
        for (const [id, tensors] of kept) {
          if (kept.size <= MAX_KEPT) break;
          tf.dispose(tensors);
          kept.delete(id);
        }
      }
    } else {
      const [dy, ...rest] = inputs;
      let list = rest;
      if (job.use !== undefined) {
        const stored = kept.get(job.use);
        if (stored === undefined) throw new Error(`no saved tensors for forward pass ${job.use}`);
        kept.delete(job.use);
        list = stored;
      }
      const saved = Object.fromEntries(savedNames.map((name, i) => [name, list[i]])) as unknown as FusedSaved;
      const grads = fusedBackward(dy as tf.Tensor3D, saved);
      outputs = gradientOrder(projected).map((name) => grads[name] as tf.Tensor);
      if (job.use !== undefined) tf.dispose(list);
    }
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
