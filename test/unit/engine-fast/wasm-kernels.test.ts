import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  overriddenWasmKernels,
  registerWasmKernelOverrides,
  unregisterWasmKernelOverrides,
} from '../../../src-main/engine/wasm-kernels/index';
import { ADAM_DEFAULTS, ADAM_UPDATE, adamUpdate } from '../../../src-main/engine/optimizer';
import { seededValues as values } from '../../support/values';

function input(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    values(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

/** Runs `op` on cpu and on wasm (with the overrides) and returns both results as nested arrays. */
async function onBothBackends(op: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: number[][]; wasm: number[][] }> {
  const run = async (name: string): Promise<number[][]> => {
    await tf.setBackend(name);
    const result = tf.tidy(op);
    const list = Array.isArray(result) ? result : [result];
    const data = list.map((t) => [...t.shape, ...t.dataSync()]);
    tf.dispose(list);
    return data;
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  return { cpu, wasm };
}

function expectSame(results: { cpu: number[][]; wasm: number[][] }, tolerance: number): void {
  expect(results.wasm.length).toBe(results.cpu.length);
  results.cpu.forEach((expected, i) => {
    const actual = results.wasm[i] ?? [];
    expect(actual.length).toBe(expected.length);
    const worst = expected.reduce((m, v, j) => Math.max(m, Math.abs(v - (actual[j] ?? NaN))), 0);
    expect(worst).toBeLessThanOrEqual(tolerance);
  });
}

describe('wasm kernel overrides', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    registerWasmKernelOverrides();
  });

  afterAll(async () => {
    unregisterWasmKernelOverrides();
    await tf.setBackend('cpu');
  });

  it('replaces BatchMatMul, GatherV2, Slice, Unpack, SplitV and Identity and provides UnsortedSegmentSum', () => {
    expect(overriddenWasmKernels()).toEqual(
      expect.arrayContaining(['BatchMatMul', 'GatherV2', 'Transpose', 'Slice', 'Unpack', 'SplitV', 'Identity']),
    );
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
  });

  it('BatchMatMul matches cpu for every transpose combination, 2-D and batched', async () => {
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const a2 = transposeA ? [7, 5] : [5, 7];
      const b2 = transposeB ? [3, 7] : [7, 3];
      expectSame(await onBothBackends(() => tf.matMul(input(a2, 1), input(b2, 2), transposeA, transposeB)), 1e-5);
      const a3 = [4, ...a2];
      const b3 = [4, ...b2];
      expectSame(await onBothBackends(() => tf.matMul(input(a3, 3), input(b3, 4), transposeA, transposeB)), 1e-5);
    }
  });

  it('Transpose matches cpu for matrices of odd sizes and falls back for other ranks and dtypes', async () => {
    for (const shape of [
      [1, 1],
      [7, 45],
      [64, 33],
      [100, 3],
      // Whole 4 x 4 SIMD blocks only, and blocks with edge rows and columns both.
      [32, 256],
      [9, 14],
    ]) {
      expectSame(await onBothBackends(() => tf.transpose(input(shape, 13))), 0);
    }
    expectSame(await onBothBackends(() => tf.transpose(input([3, 4, 5], 14), [2, 0, 1])), 0);
    expectSame(await onBothBackends(() => tf.cast(tf.transpose(tf.cast(input([6, 9], 15), 'int32')), 'float32')), 0);
  });

  it('the fused Adam update gives the tensor ops’ bits, SIMD body and scalar tail, with and without a scale', async () => {
    expect(tf.getKernel(ADAM_UPDATE, 'wasm')).toBeDefined();
    expect(tf.getKernel(ADAM_UPDATE, 'cpu')).toBeUndefined();
    // 4 x 5 = 20 (whole vectors), 7 (a tail of 3), 1 (tail only); moments from earlier steps, step 3.
    const shapes = [[4, 5], [7], [1]];
    for (const withScale of [true, false]) {
      const results = await onBothBackends(() => {
        const weights = shapes.map((shape, i) => input(shape, 20 + i));
        const grads = shapes.map((shape, i) => tf.mul(input(shape, 30 + i), 3));
        const m = shapes.map((shape, i) => tf.mul(input(shape, 40 + i), 0.1));
        const v = shapes.map((shape, i) => tf.abs(tf.mul(input(shape, 50 + i), 0.01)));
        const hp = { ...ADAM_DEFAULTS, learningRate: 2e-3 };
        const next = adamUpdate(weights, grads, { m, v, step: 2 }, hp, withScale ? tf.scalar(0.37) : undefined);
        return [...next.weights, ...next.m, ...next.v];
      });
      expectSame(results, 0);
    }
  });

  it('Slice matches cpu for contiguous and strided slices of rank 1 to 4', async () => {
    const cases: Array<[number[], number[], number[]]> = [
      [[10], [3], [4]],
      [
        [6, 8],
        [2, 0],
        [3, 8],
      ],
      [
        [6, 8],
        [1, 2],
        [4, 5],
      ],
      [
        [4, 5, 6],
        [1, 0, 0],
        [2, 5, 6],
      ],
      [
        [4, 5, 6],
        [0, 2, 1],
        [4, 2, 3],
      ],
      [
        [3, 4, 5, 6],
        [1, 1, 0, 2],
        [2, 3, 5, 4],
      ],
      [
        [3, 4],
        [0, 0],
        [0, 4],
      ],
    ];
    for (const [shape, begin, size] of cases) {
      expectSame(await onBothBackends(() => tf.slice(input(shape, 5), begin, size)), 0);
    }
  });

  it('Unpack and SplitV match cpu along every axis', async () => {
    const splitSizes = [
      [2, 4],
      [1, 3],
      [2, 3],
    ];
    for (const axis of [0, 1, 2]) {
      expectSame(await onBothBackends(() => tf.unstack(input([3, 4, 5], 6), axis)), 0);
      expectSame(await onBothBackends(() => tf.split(input([6, 4, 5], 7), splitSizes[axis] ?? [], axis)), 0);
    }
    expectSame(await onBothBackends(() => tf.split(input([6, 4, 5], 8), 3, 0)), 0);
  });

  it('UnsortedSegmentSum matches cpu, including repeated ids, and so does the gradient of gather', async () => {
    expectSame(
      await onBothBackends(() => tf.unsortedSegmentSum(input([6, 3], 9), tf.tensor1d([2, 0, 2, 4, 0, 2], 'int32'), 5)),
      1e-6,
    );
    const ids = [
      [1, 3, 3],
      [0, 1, 4],
    ];
    expectSame(
      await onBothBackends(() =>
        tf.grad((table: tf.Tensor) =>
          tf.sum(tf.mul(tf.gather(table, tf.tensor2d(ids, [2, 3], 'int32')), input([2, 3, 4], 10))),
        )(input([5, 4], 11)),
      ),
      1e-6,
    );
  });

  it('UnsortedSegmentSum sums whole SIMD vectors and tails (widths 8, 9, 1029) and drops ids out of range', async () => {
    for (const width of [8, 9, 1029]) {
      const ids = [3, 0, 3, 1, 3, 0, 2];
      expectSame(
        await onBothBackends(() => tf.unsortedSegmentSum(input([7, width], 16), tf.tensor1d(ids, 'int32'), 4)),
        1e-5,
      );
    }
    await tf.setBackend('wasm');
    const sums = tf.tidy(() =>
      tf.unsortedSegmentSum(
        tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [3, 4]),
        tf.tensor1d([-1, 1, 2], 'int32'),
        2,
      ),
    );
    expect(sums.arraySync()).toEqual([
      [0, 0, 0, 0],
      [5, 6, 7, 8],
    ]);
    sums.dispose();
  });

  it('GatherV2 copies rows along axis 0 as cpu does, and leaves other axes and batch dims to the stock kernel', async () => {
    const ids = tf.tensor2d(
      [
        [6, 0, 3],
        [3, 3, 1],
      ],
      [2, 3],
      'int32',
    );
    const cases = [
      () => tf.gather(input([7, 5], 17), ids),
      () => tf.cast(tf.gather(tf.cast(tf.mul(input([7, 5], 18), 100), 'int32'), ids), 'float32'),
      () => tf.gather(input([4, 2, 3], 19), tf.tensor1d([3, 0, 3], 'int32')),
      () => tf.gather(input([3, 7], 20), ids, 1),
      () => tf.gather(input([2, 3, 4], 21), tf.tensor2d([0, 2, 1, 1], [2, 2], 'int32'), 1, 1),
    ];
    for (const op of cases) expectSame(await onBothBackends(op), 0);
    await tf.setBackend('wasm');
    const table = input([7, 5], 22);
    expect(() => tf.gather(table, tf.tensor1d([2, 7], 'int32'))).toThrow(/index value 7 is not in \[0, 6\]/);
    expect(() => tf.gather(table, tf.tensor1d([-1], 'int32'))).toThrow(/index value -1/);
    table.dispose();
  });

  it('GatherV2 fills its output when allocating it grows the heap (earlier views of the heap are detached then)', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } };
    const table = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    // More output bytes than the whole heap holds now, so its allocation must grow it.
    const heapBefore = backend.wasm.HEAPU8.buffer.byteLength;
    const count = Math.ceil(heapBefore / 8) + 1024;
    const ids = tf.tensor1d(
      Array.from({ length: count }, (_, i) => i % 3),
      'int32',
    );
    const rows = tf.gather(table, ids);
    expect(backend.wasm.HEAPU8.buffer.byteLength).toBeGreaterThan(heapBefore);
    const values = rows.dataSync();
    const wrong = Array.from({ length: count }, (_, i) => i).filter(
      (i) => values[2 * i] !== 2 * (i % 3) + 1 || values[2 * i + 1] !== 2 * (i % 3) + 2,
    );
    expect(wrong.length).toBe(0);
    tf.dispose([table, ids, rows]);
  });

  it('Identity (clone) shares memory safely: the clone outlives its source', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const source = input([3, 4], 12);
    const expected = source.arraySync();
    const copy = tf.clone(source);
    source.dispose();
    expect(copy.arraySync()).toEqual(expected);
    copy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('restores the stock kernels on request and reinstalls the overrides', () => {
    unregisterWasmKernelOverrides();
    expect(overriddenWasmKernels()).toEqual([]);
    const stock = tf.getKernel('BatchMatMul', 'wasm');
    registerWasmKernelOverrides();
    expect(tf.getKernel('BatchMatMul', 'wasm')).not.toBe(stock);
  });
});
