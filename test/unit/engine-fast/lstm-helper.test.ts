import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activeLstmHelper,
  defaultLstmHelperOptions,
  startLstmHelper,
  stopLstmHelper,
} from '../../../src-main/engine/lstm/lstm-helper';
import { fusedDenseCrossEntropy } from '../../../src-main/engine/lstm/dense-loss';
import { lstmRecurrence, lstmSequence } from '../../../src-main/engine/lstm/lstm-sequence';
import { registerWasmKernelOverrides } from '../../../src-main/engine/wasm-kernels/index';

/**
 * Outputs and gradients (x, kernel, recurrentKernel, bias) of a batch-10 LSTM with an initial state, through
 * lstmSequence, and through lstmRecurrence with x an embedding's rows (gradients w.r.t. the embedding then).
 */
function results(): number[][] {
  return tf.tidy(() => {
    const x = tf.randomNormal([6, 10, 5], 0, 1, 'float32', 1) as tf.Tensor3D;
    const kernel = tf.randomNormal([5, 28], 0, 0.5, 'float32', 2) as tf.Tensor2D;
    const recurrent = tf.randomNormal([7, 28], 0, 0.5, 'float32', 3) as tf.Tensor2D;
    const bias = tf.randomNormal([28], 0, 0.5, 'float32', 4) as tf.Tensor1D;
    const h0 = tf.randomNormal([10, 7], 0, 0.5, 'float32', 5) as tf.Tensor2D;
    const c0 = tf.randomNormal([10, 7], 0, 0.5, 'float32', 6) as tf.Tensor2D;
    const proj = tf.randomNormal([6, 10, 7], 0, 1, 'float32', 7);
    const sequence = (xs: tf.Tensor, k: tf.Tensor, r: tf.Tensor, b: tf.Tensor) =>
      lstmSequence(xs as tf.Tensor3D, k as tf.Tensor2D, r as tf.Tensor2D, b as tf.Tensor1D, h0, c0);
    // Ids repeat across the two halves (batch rows 0-4 and 5-9), and row 8 of the table goes unused.
    const ids = tf.tensor2d(
      Array.from({ length: 60 }, (_, i) => (i * 7) % 8),
      [6, 10],
      'int32',
    );
    const embedding = tf.randomNormal([9, 5], 0, 1, 'float32', 8);
    const recurrence = (e: tf.Tensor, k: tf.Tensor, r: tf.Tensor, b: tf.Tensor) =>
      lstmRecurrence(tf.add(tf.matMul(e, k), b) as tf.Tensor2D, ids, r as tf.Tensor2D, h0, c0);
    const runs: Array<[typeof sequence, tf.Tensor]> = [
      [sequence, x],
      [recurrence, embedding],
    ];
    return runs.flatMap(([run, input]) => {
      const loss = (xs: tf.Tensor, k: tf.Tensor, r: tf.Tensor, b: tf.Tensor) => {
        const out = run(xs, k, r, b);
        return tf.addN([tf.sum(tf.mul(out.outputs, proj)), tf.sum(out.hT), tf.sum(tf.square(out.cT))]);
      };
      const out = run(input, kernel, recurrent, bias);
      const grads = tf.grads(loss)([input, kernel, recurrent, bias]);
      return [out.outputs, out.hT, out.cT, ...grads].map((t) => [...t.dataSync()]);
    });
  });
}

/** The output layer's mean loss over 301 rows (an odd count: unequal halves) and its gradients (x, kernel, bias). */
function lossResults(): number[][] {
  return tf.tidy(() => {
    const x = tf.randomNormal([301, 6], 0, 1, 'float32', 11) as tf.Tensor2D;
    const kernel = tf.randomNormal([6, 9], 0, 0.5, 'float32', 12) as tf.Tensor2D;
    const bias = tf.randomNormal([9], 0, 0.5, 'float32', 13) as tf.Tensor1D;
    const targets = tf.tensor1d(
      Array.from({ length: 301 }, (_, i) => (i * 5) % 9),
      'int32',
    );
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor, k: tf.Tensor, b: tf.Tensor) =>
      fusedDenseCrossEntropy(a as tf.Tensor2D, k as tf.Tensor2D, b as tf.Tensor1D, targets),
    )([x, kernel, bias]);
    return [value, ...grads].map((t) => [...t.dataSync()]);
  });
}

/** Each array of `actual` as long as `expected`'s and within `tolerance` of it, element by element. */
function expectClose(actual: number[][], expected: number[][], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((values, i) => {
    const got = actual[i] ?? [];
    expect(got.length).toBe(values.length);
    const worst = values.reduce((m, v, j) => Math.max(m, Math.abs(v - (got[j] ?? NaN))), 0);
    expect(worst).toBeLessThan(tolerance);
  });
}

describe('lstmSequence split across a helper thread', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmKernelOverrides();
  });

  afterAll(async () => {
    await stopLstmHelper();
  });

  it('retires a helper thread that dies, and the next pass runs on one thread', async () => {
    await stopLstmHelper();
    const dying = [
      "import { parentPort } from 'node:worker_threads';",
      "parentPort.on('message', (m) => { if (m.control) parentPort.postMessage('ready'); else process.exit(1); });",
    ].join('\n');
    await startLstmHelper({ workerUrl: new URL(`data:text/javascript,${encodeURIComponent(dying)}`), timeoutMs: 1500 });
    expect(() => results()).toThrow(/LSTM helper thread/);
    expect(activeLstmHelper()).toBeNull();
    expect(results().length).toBe(14);
  });

  it('gives the same outputs and gradients as one thread, and leaks no tensors', async () => {
    const single = results();
    expect(defaultLstmHelperOptions().workerUrl.pathname).toMatch(/lstm-helper-worker\.ts$/);
    await startLstmHelper();
    const before = tf.memory().numTensors;
    const split = results();
    expect(tf.memory().numTensors).toBe(before);
    // For each of lstmSequence and lstmRecurrence, two forward passes (one under tf.grads) and one backward pass
    // went through the helper.
    expect(activeLstmHelper()?.jobsCompleted).toBe(6);
    expectClose(split, single, 1e-5);
  });

  it('splits the output layer and loss by rows: the same loss and gradients as one thread, no tensors left', async () => {
    await stopLstmHelper();
    const single = lossResults();
    await startLstmHelper();
    const before = tf.memory().numTensors;
    const split = lossResults();
    expect(tf.memory().numTensors).toBe(before);
    // One forward and one backward job.
    expect(activeLstmHelper()?.jobsCompleted).toBe(2);
    expectClose(split, single, 1e-6);
  });
});
