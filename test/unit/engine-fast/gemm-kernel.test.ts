import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relaxedSimdGemmAvailable } from '../../../src-main/engine/wasm-kernels/gemm-kernel';
import {
  registerWasmKernelOverrides,
  unregisterWasmKernelOverrides,
} from '../../../src-main/engine/wasm-kernels/index';
import { seededValues as values } from '../../support/values';

// This file runs twice: in the `node` project (Node 20 without the flag: products stay on XNNPACK, the SIMD128
// path) and in `node-relaxed-simd` (--experimental-wasm-relaxed-simd: products run on gemm.wat).
const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';

/** A product in float64 from the same float32 inputs: C[i, j] = sum_k A(i, k) B(k, j) (+ bias[j]). */
function reference(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
  bias: Float32Array | null,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = bias === null ? 0 : (bias[j] as number);
      for (let kk = 0; kk < k; kk++) {
        const av = transposeA ? a[kk * m + i] : a[i * k + kk];
        const bv = transposeB ? b[j * k + kk] : b[kk * n + j];
        s += (av as number) * (bv as number);
      }
      out[i * n + j] = s;
    }
  }
  return out;
}

/** Worst |difference| relative to sqrt(k) (the scale of a sum of k products of values in [-1, 1)). */
function worstError(actual: Float32Array, expected: Float64Array, k: number): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)) / Math.sqrt(k));
  }
  return worst;
}

describe('matrix products on the wasm backend (relaxed-SIMD gemm.wat, or XNNPACK where it does not validate)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    registerWasmKernelOverrides();
  });

  afterAll(() => {
    unregisterWasmKernelOverrides();
  });

  it('uses the relaxed-SIMD kernel exactly when the engine validates relaxed SIMD', () => {
    expect(relaxedSimdGemmAvailable()).toBe(process.execArgv.includes(RELAXED_FLAG));
  });

  // Odd rows (below and above the 4-row tile, past the 64-row block), columns off the 8-wide panel, k of 1, and k
  // past the 256-long block (so later blocks accumulate into C).
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [3, 5, 7],
    [4, 8, 8],
    [7, 13, 65],
    [33, 1, 16],
    [130, 300, 24],
    [9, 600, 9],
    [64, 513, 1024],
  ];

  it('matches a float64 product for every transpose combination and awkward shape', () => {
    for (const [m, k, n] of shapes) {
      for (const [transposeA, transposeB] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        const a = values(m * k, m + k);
        const b = values(k * n, n + 7 * k);
        const expected = reference(a, b, m, k, n, transposeA, transposeB, null);
        const actual = tf.tidy(() =>
          tf
            .matMul(
              tf.tensor2d(a, transposeA ? [k, m] : [m, k]),
              tf.tensor2d(b, transposeB ? [n, k] : [k, n]),
              transposeA,
              transposeB,
            )
            .dataSync(),
        ) as Float32Array;
        expect(actual.length).toBe(m * n);
        expect(worstError(actual, expected, k), `${m}x${k}x${n} ${transposeA} ${transposeB}`).toBeLessThan(1e-5);
      }
    }
  });

  it('adds a bias in tf.fused.matMul, and leaves activations to the stock kernel', () => {
    for (const [m, k, n] of shapes) {
      const a = values(m * k, 3 * m + k);
      const b = values(k * n, n + k);
      const bias = values(n, n);
      const expected = reference(a, b, m, k, n, false, false, bias);
      const actual = tf.tidy(() =>
        tf.fused.matMul({ a: tf.tensor2d(a, [m, k]), b: tf.tensor2d(b, [k, n]), bias: tf.tensor1d(bias) }).dataSync(),
      ) as Float32Array;
      expect(worstError(actual, expected, k), `${m}x${k}x${n}`).toBeLessThan(1e-5);
      const relu = tf.tidy(() =>
        tf.fused
          .matMul({ a: tf.tensor2d(a, [m, k]), b: tf.tensor2d(b, [k, n]), bias: tf.tensor1d(bias), activation: 'relu' })
          .dataSync(),
      );
      expected.forEach((v, i) => expect(relu[i]).toBeCloseTo(Math.max(0, v), 4));
    }
  });

  it('keeps batched products (batch > 1) correct through the stock path, and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const a = values(2 * 5 * 6, 1);
    const b = values(2 * 6 * 3, 2);
    const actual = tf.tidy(() => tf.matMul(tf.tensor3d(a, [2, 5, 6]), tf.tensor3d(b, [2, 6, 3])).dataSync());
    for (let batch = 0; batch < 2; batch++) {
      const expected = reference(a.subarray(batch * 30), b.subarray(batch * 18), 5, 6, 3, false, false, null);
      for (let i = 0; i < 15; i++) expect(actual[batch * 15 + i]).toBeCloseTo(expected[i] as number, 5);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
