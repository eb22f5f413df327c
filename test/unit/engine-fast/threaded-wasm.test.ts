import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lstmSequence } from '../../../src-main/engine/lstm/lstm-sequence';
import { ADAM_DEFAULTS, ADAM_UPDATE, adamUpdate } from '../../../src-main/engine/optimizer';
import { registerWasmKernelOverrides } from '../../../src-main/engine/wasm-kernels/index';
import { useThreadedWasm } from '../../../src-main/engine/wasm-kernels/threaded-backend';

/** Forward and gradients of a small LSTM on the active backend, as plain arrays. */
function lstmResults(): number[][] {
  return tf.tidy(() => {
    const x = tf.randomNormal([4, 3, 5], 0, 1, 'float32', 1) as tf.Tensor3D;
    const kernel = tf.randomNormal([5, 32], 0, 0.5, 'float32', 2) as tf.Tensor2D;
    const recurrent = tf.randomNormal([8, 32], 0, 0.5, 'float32', 3) as tf.Tensor2D;
    const bias = tf.randomNormal([32], 0, 0.5, 'float32', 4) as tf.Tensor1D;
    const zeros = tf.zeros([3, 8]) as tf.Tensor2D;
    const run = (xs: tf.Tensor, k: tf.Tensor, r: tf.Tensor) =>
      lstmSequence(xs as tf.Tensor3D, k as tf.Tensor2D, r as tf.Tensor2D, bias, zeros, zeros);
    const grads = tf.grads((xs, k, r) => tf.sum(tf.square(run(xs, k, r).outputs)))([x, kernel, recurrent]);
    const big = tf.matMul(tf.randomNormal([64, 96], 0, 1, 'float32', 5), tf.randomNormal([96, 80], 0, 1, 'float32', 6));
    return [run(x, kernel, recurrent).outputs, ...grads, big].map((t) => [...t.dataSync()]);
  });
}

describe('threaded wasm backend', () => {
  let threaded = false;

  beforeAll(async () => {
    threaded = useThreadedWasm(2);
    await tf.setBackend('wasm');
    await tf.ready();
    registerWasmKernelOverrides();
  });

  afterAll(() => {
    tf.removeBackend('wasm');
  });

  it('starts the multi-threaded SIMD build with two XNNPACK threads', () => {
    expect(threaded).toBe(true);
    expect(tf.getBackend()).toBe('wasm');
    expect(getThreadsCount()).toBe(2);
    expect(useThreadedWasm(2)).toBe(false);
  });

  it('computes the same LSTM outputs, gradients and matmuls as the cpu backend', async () => {
    const onWasm = lstmResults();
    await tf.setBackend('cpu');
    const onCpu = lstmResults();
    await tf.setBackend('wasm');
    onCpu.forEach((expected, i) => {
      const actual = onWasm[i] ?? [];
      expect(actual.length).toBe(expected.length);
      const worst = expected.reduce((m, v, j) => Math.max(m, Math.abs(v - (actual[j] ?? NaN))), 0);
      expect(worst).toBeLessThan(1e-4);
    });
  });

  it('leaves Adam to tensor ops (the fused kernel needs an unshared heap) and still updates', () => {
    expect(tf.getKernel(ADAM_UPDATE, 'wasm')).toBeUndefined();
    const updated = tf.tidy(() => {
      const w = tf.ones([6]);
      const next = adamUpdate(
        [w],
        [tf.fill([6], 2)],
        { m: [tf.zeros([6])], v: [tf.zeros([6])], step: 0 },
        {
          ...ADAM_DEFAULTS,
          learningRate: 0.1,
        },
      );
      return [...(next.weights[0]?.dataSync() ?? [])];
    });
    // A first Adam step moves every weight by the learning rate against the gradient's sign.
    updated.forEach((value) => expect(value).toBeCloseTo(0.9, 5));
  });
});
