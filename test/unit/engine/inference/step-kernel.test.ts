import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../../../../src-main/engine/backend.ts';
import { createStepper } from '../../../../src-main/engine/inference/create-stepper.ts';
import { KernelStepper } from '../../../../src-main/engine/inference/kernel-stepper.ts';
import { KernelMemory, stepKernelAvailable } from '../../../../src-main/engine/inference/step-kernel.ts';
import type { CharStepper } from '../../../../src-main/engine/inference/stepper.ts';
import { TensorStepper } from '../../../../src-main/engine/inference/tensor-stepper.ts';
import { disposeWeights, initialWeightValues, weightsFromValues } from '../../../../src-main/engine/model.ts';
import { Rng } from '../../../../src-main/engine/rng.ts';
import type { ModelHyperparams } from '../../../../src-main/engine/types.ts';

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
};

function randomValues(n: number, rng: Rng, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => (2 * rng.next() - 1) * scale);
}

function kernelMemory(): KernelMemory {
  const memory = KernelMemory.create();
  if (memory === null) throw new Error('no WebAssembly SIMD');
  return memory;
}

beforeAll(async () => {
  await initBackend();
});

describe('the step kernel', () => {
  test('loads here (Node has WebAssembly SIMD)', () => expect(stepKernelAvailable()).toBe(true));

  test.each([
    [1, 8, 16],
    [2, 6, 33],
    [3, 64, 65],
    [5, 32, 1024],
    [1, 32, 40],
  ])('matvec of %i rows x [%i, %i] matches a plain loop', (rows, k, n) => {
    const rng = Rng.fromSeed(rows * 1000 + n);
    const memory = kernelMemory();
    const w = randomValues(k * n, rng);
    const x = randomValues(rows * k, rng);
    const start = randomValues(rows * (n + 3), rng);
    const wAt = memory.packPanels(w, k, n);
    const xAt = memory.alloc(rows * k);
    const stride = Math.ceil(n / 16) * 16 + 16;
    const outAt = memory.alloc(rows * stride);
    memory.f32.set(x, xAt / 4);
    for (let r = 0; r < rows; r++) memory.f32.set(start.subarray(r * n, (r + 1) * n), outAt / 4 + r * stride);
    memory.matvec(xAt, rows, k, wAt, n, outAt, stride);
    for (let r = 0; r < rows; r++) {
      const expected = Array.from({ length: n }, (_, j) => {
        let sum = start[r * n + j] ?? 0;
        for (let i = 0; i < k; i++) sum += (x[r * k + i] ?? 0) * (w[i * n + j] ?? 0);
        return sum;
      });
      const actual = memory.f32.subarray(outAt / 4 + r * stride, outAt / 4 + r * stride + n);
      expect(maxAbsDiff(actual, expected)).toBeLessThan(1e-4);
      // The padding columns of the last panel get zero weights, and nothing is written past the panels.
      const row = memory.f32.subarray(outAt / 4 + r * stride, outAt / 4 + (r + 1) * stride);
      expect([...row.subarray(n)].every((v) => v === 0)).toBe(true);
    }
  });

  test('the LSTM cell matches the float64 formulas, including saturated gates', () => {
    const units = 64;
    const rows = 2;
    const rng = Rng.fromSeed(3);
    const memory = kernelMemory();
    const z = randomValues(rows * 4 * units, rng, 12);
    // Saturated, tiny and zero pre-activations in every gate (blocks i, f, g, o of row 0).
    for (let gate = 0; gate < 4; gate++)
      z.set([100, -100, 88, -88, 90, -90, 1e-8, -1e-8, 0, 20, -20, 0.5], gate * units);
    const c = randomValues(rows * units, rng, 3);
    const zAt = memory.alloc(z.length);
    const cAt = memory.alloc(c.length);
    const hAt = memory.alloc(c.length);
    memory.f32.set(z, zAt / 4);
    memory.f32.set(c, cAt / 4);
    memory.lstmCell(zAt, cAt, hAt, units, rows);
    const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
    for (let r = 0; r < rows; r++) {
      for (let u = 0; u < units; u++) {
        const gate = (g: number): number => z[r * 4 * units + g * units + u] ?? 0;
        const cNew = sigmoid(gate(1)) * (c[r * units + u] ?? 0) + sigmoid(gate(0)) * Math.tanh(gate(2));
        const hNew = sigmoid(gate(3)) * Math.tanh(cNew);
        expect(Math.abs((memory.f32[cAt / 4 + r * units + u] ?? NaN) - cNew)).toBeLessThan(2e-6);
        expect(Math.abs((memory.f32[hAt / 4 + r * units + u] ?? NaN) - hNew)).toBeLessThan(2e-6);
      }
    }
  });
});

describe('the kernel stepper against tensor ops', () => {
  const shapes: [string, ModelHyperparams, number][] = [
    ['2 layers', { embeddingSize: 8, units: 16, layers: 2, dropout: 0 }, 23],
    ['3 layers, odd vocabulary', { embeddingSize: 12, units: 36, layers: 3, dropout: 0 }, 67],
    ['1 layer', { embeddingSize: 64, units: 128, layers: 1, dropout: 0 }, 80],
  ];

  test.each(shapes)(
    '%s: same prime, and same logits and state for 1, 3 and 4 rows over 40 steps',
    async (_, hp, vocab) => {
      const weights = weightsFromValues(hp, vocab, initialWeightValues(hp, vocab, Rng.fromSeed(5)));
      const rng = Rng.fromSeed(9);
      const before = tf.memory().numTensors;
      const primeIds = Int32Array.from({ length: 150 }, () => rng.int(vocab));
      const [kernelPrime, tensorPrime] = [createStepper(weights, 1, 'kernel'), createStepper(weights, 1, 'tensor')];
      kernelPrime.advance(primeIds);
      tensorPrime.advance(primeIds);
      kernelPrime.getState().forEach((layer, l) => {
        expect(maxAbsDiff(layer.h, tensorPrime.getState()[l]!.h)).toBeLessThan(1e-4);
        expect(maxAbsDiff(layer.c, tensorPrime.getState()[l]!.c)).toBeLessThan(1e-4);
      });
      for (const s of [kernelPrime, tensorPrime]) s.dispose();
      for (const rows of [1, 3, 4]) {
        const kernel = createStepper(weights, rows, 'kernel');
        const tensor = createStepper(weights, rows, 'tensor');
        expect(kernel).toBeInstanceOf(KernelStepper);
        expect(tensor).toBeInstanceOf(TensorStepper);
        const start = new TensorStepper(weights, 1);
        start.advance(Int32Array.from({ length: 30 }, () => rng.int(vocab)));
        const primed = start.getState();
        start.dispose();
        for (const s of [kernel, tensor]) s.setState(primed);
        let worst = 0;
        for (let t = 0; t < 40; t++) {
          const ids = Array.from({ length: rows }, () => rng.int(vocab));
          const [a, b] = [await kernel.step(ids), await tensor.step(ids)];
          expect(a.length).toBe(rows * vocab);
          worst = Math.max(worst, maxAbsDiff(a, b));
        }
        expect(worst).toBeLessThan(1e-4);
        const [ks, ts] = [kernel.getState(), tensor.getState()];
        ks.forEach((layer, l) => expect(maxAbsDiff(layer.c, ts[l]!.c)).toBeLessThan(1e-4));
        for (const s of [kernel, tensor]) s.dispose();
      }
      disposeWeights(weights);
      expect(tf.memory().numTensors).toBe(before - weightsCount(hp));
    },
  );

  test('priming with advance equals stepping, and a stepper resumes from a saved state', async () => {
    const hp: ModelHyperparams = { embeddingSize: 8, units: 16, layers: 2, dropout: 0 };
    const weights = weightsFromValues(hp, 11, initialWeightValues(hp, 11, Rng.fromSeed(1)));
    // 150 characters: more than two of the prime's chunks, so chunk boundaries are crossed.
    const ids = Int32Array.from({ length: 150 }, (_, i) => (i * 7) % 11);
    const advanced = createStepper(weights, 1, 'kernel');
    advanced.advance(ids);
    const stepped = createStepper(weights, 1, 'kernel');
    for (const id of ids) await stepped.step([id]);
    advanced.getState().forEach((layer, l) => {
      expect(maxAbsDiff(layer.h, stepped.getState()[l]!.h)).toBeLessThan(1e-5);
      expect(maxAbsDiff(layer.c, stepped.getState()[l]!.c)).toBeLessThan(1e-5);
    });
    const tensor = createStepper(weights, 1, 'tensor');
    tensor.advance(ids);
    advanced.getState().forEach((layer, l) => expect(maxAbsDiff(layer.c, tensor.getState()[l]!.c)).toBeLessThan(1e-4));
    tensor.dispose();
    const resumed = createStepper(weights, 1, 'kernel');
    resumed.setState(advanced.getState());
    expect(maxAbsDiff(await resumed.step([3]), await advanced.step([3]))).toBe(0);
    for (const s of [advanced, stepped, resumed] as CharStepper[]) s.dispose();
    expect(() => advanced.getState()).toThrow(/after dispose/);
    disposeWeights(weights);
  });

  test('shapes the kernel cannot take fall back to tensor ops', () => {
    const hp: ModelHyperparams = { embeddingSize: 7, units: 10, layers: 1, dropout: 0 };
    const weights = weightsFromValues(hp, 5, initialWeightValues(hp, 5, Rng.fromSeed(1)));
    const stepper = createStepper(weights, 2);
    expect(stepper).toBeInstanceOf(TensorStepper);
    stepper.dispose();
    expect(() => createStepper(weights, 1, 'kernel')).toThrow(/cannot run/);
    disposeWeights(weights);
  });

  test('refuses ids outside the vocabulary, and a reused slot starts from the zero state', async () => {
    const hp: ModelHyperparams = { embeddingSize: 8, units: 16, layers: 2, dropout: 0 };
    const weights = weightsFromValues(hp, 11, initialWeightValues(hp, 11, Rng.fromSeed(1)));
    const first = createStepper(weights, 2, 'kernel');
    await expect(first.step([3, 11])).rejects.toThrow(/outside the vocabulary/);
    expect(() => first.advance(Int32Array.of(-1))).toThrow(/one-row/);
    await first.step([3, 4]);
    first.dispose();
    const second = createStepper(weights, 2, 'kernel');
    const fresh = createStepper(weights, 2, 'kernel');
    second.getState().forEach((layer) => expect(layer.h.every((v) => v === 0)).toBe(true));
    expect(maxAbsDiff(await second.step([1, 2]), await fresh.step([1, 2]))).toBe(0);
    const one = createStepper(weights, 1, 'kernel');
    expect(() => one.advance(Int32Array.of(4, 12))).toThrow(/outside the vocabulary/);
    for (const s of [second, fresh, one]) s.dispose();
    disposeWeights(weights);
  });
});

function weightsCount(hp: ModelHyperparams): number {
  return 3 + 3 * hp.layers;
}
