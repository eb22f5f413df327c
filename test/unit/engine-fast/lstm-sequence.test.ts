import * as tf from '@tensorflow/tfjs';
import { backendAccess } from '../../../src-main/engine/lstm/backend-access';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lstmRecurrence, lstmSequence, lstmStep } from '../../../src-main/engine/lstm/lstm-sequence';
import { lstmRecurrenceReference, lstmSequenceReference } from '../../../src-main/engine/lstm/lstm-reference';
import { registerWasmKernelOverrides } from '../../../src-main/engine/wasm-kernels/index';

const TOLERANCE = 1e-4;

interface Weights {
  x: tf.Tensor3D;
  kernel: tf.Tensor2D;
  recurrentKernel: tf.Tensor2D;
  bias: tf.Tensor1D;
  h0: tf.Tensor2D;
  c0: tf.Tensor2D;
}

function randomWeights(steps: number, batch: number, inputSize: number, units: number, seed: number): Weights {
  return {
    x: tf.randomNormal([steps, batch, inputSize], 0, 1, 'float32', seed),
    kernel: tf.randomNormal([inputSize, 4 * units], 0, 0.5, 'float32', seed + 1),
    recurrentKernel: tf.randomNormal([units, 4 * units], 0, 0.5, 'float32', seed + 2),
    bias: tf.randomNormal([4 * units], 0, 0.5, 'float32', seed + 3),
    h0: tf.randomNormal([batch, units], 0, 0.5, 'float32', seed + 4),
    c0: tf.randomNormal([batch, units], 0, 0.5, 'float32', seed + 5),
  };
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Infinity);
}

type SequenceFn = typeof lstmSequence;

/** A scalar loss touching every output (random projections), and its gradients w.r.t. x and the weights. */
function lossAndGrads(
  fn: SequenceFn,
  w: Weights,
  withState: boolean,
  steps = w.x.shape[0],
): { outputs: tf.Tensor[]; grads: tf.Tensor[] } {
  const [batch, units] = w.h0.shape;
  const projY = tf.randomNormal([steps, batch, units], 0, 1, 'float32', 99);
  const projH = tf.randomNormal([batch, units], 0, 1, 'float32', 98);
  const projC = tf.randomNormal([batch, units], 0, 1, 'float32', 97);
  const h0 = withState ? w.h0 : tf.zerosLike(w.h0);
  const c0 = withState ? w.c0 : tf.zerosLike(w.c0);
  const run = (x: tf.Tensor, k: tf.Tensor, r: tf.Tensor, b: tf.Tensor) =>
    fn(x as tf.Tensor3D, k as tf.Tensor2D, r as tf.Tensor2D, b as tf.Tensor1D, h0, c0);
  const result = run(w.x, w.kernel, w.recurrentKernel, w.bias);
  const grads = tf.grads((x, k, r, b) => {
    const out = run(x, k, r, b);
    return tf.addN([tf.sum(tf.mul(out.outputs, projY)), tf.sum(tf.mul(out.hT, projH)), tf.sum(tf.mul(out.cT, projC))]);
  })([w.x, w.kernel, w.recurrentKernel, w.bias]);
  return { outputs: [result.outputs, result.hT, result.cT], grads };
}

/** The same loss through tf.layers.lstm (batch-major, zero initial state, T >= 2: its T = 1 gradient throws). */
function layersLossAndGrads(w: Weights): { outputs: tf.Tensor[]; grads: tf.Tensor[] } {
  const [steps = 0, batch = 0, inputSize = 0] = w.x.shape;
  const units = w.h0.shape[1];
  const layer = tf.layers.lstm({ units, returnSequences: true, returnState: true, recurrentActivation: 'sigmoid' });
  tf.dispose(layer.apply(tf.zeros([batch, steps, inputSize])) as tf.Tensor[]);
  layer.setWeights([w.kernel, w.recurrentKernel, w.bias]);
  const projY = tf.randomNormal([steps, batch, units], 0, 1, 'float32', 99);
  const projH = tf.randomNormal([batch, units], 0, 1, 'float32', 98);
  const projC = tf.randomNormal([batch, units], 0, 1, 'float32', 97);
  const xVar = tf.variable(tf.transpose(w.x, [1, 0, 2]));
  const weights = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  let outputs: tf.Tensor[] = [];
  const { grads } = tf.variableGrads(() => {
    const [seq, h, c] = layer.apply(xVar) as tf.Tensor[];
    if (seq === undefined || h === undefined || c === undefined) throw new Error('lstm layer returned no state');
    const timeMajor = tf.transpose(seq, [1, 0, 2]);
    outputs = [tf.keep(timeMajor), tf.keep(h), tf.keep(c)];
    return tf.addN([tf.sum(tf.mul(timeMajor, projY)), tf.sum(tf.mul(h, projH)), tf.sum(tf.mul(c, projC))]) as tf.Scalar;
  }, [xVar, ...weights]);
  const byName = [xVar, ...weights].map((v) => grads[v.name]);
  const dx = tf.transpose(byName[0] as tf.Tensor, [1, 0, 2]);
  layer.dispose();
  xVar.dispose();
  return { outputs, grads: [dx, ...(byName.slice(1) as tf.Tensor[])] };
}

/**
 * lstmSequence's contract for x = rows `ids` [T, B] of an embedding [V, I], passed as x: through a recurrence on
 * the projected table (embedding · kernel + bias), as the model runs its first layer.
 */
function throughLookup(recurrence: typeof lstmRecurrence, ids: tf.Tensor2D): SequenceFn {
  return (embedding, kernel, recurrentKernel, bias, h0, c0) =>
    recurrence(tf.add(tf.matMul(embedding as tf.Tensor as tf.Tensor2D, kernel), bias), ids, recurrentKernel, h0, c0);
}

/** The same contract through a plain sequence on the looked-up rows. */
function lookedUp(sequence: SequenceFn, ids: tf.Tensor2D): SequenceFn {
  return (embedding, kernel, recurrentKernel, bias, h0, c0) =>
    sequence(tf.gather(embedding, ids) as tf.Tensor as tf.Tensor3D, kernel, recurrentKernel, bias, h0, c0);
}

/** lstmRecurrence's contract through the autograd reference: the table's rows looked up, then lstmRecurrenceReference. */
const referenceRecurrence: typeof lstmRecurrence = (table, ids, recurrentKernel, h0, c0) =>
  lstmRecurrenceReference(tf.gather(table, ids) as tf.Tensor as tf.Tensor3D, recurrentKernel, h0, c0);

function expectClose(actual: tf.Tensor[], expected: tf.Tensor[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(maxAbsDiff(a, expected[i] as tf.Tensor)).toBeLessThan(TOLERANCE));
}

describe.each(['wasm', 'cpu'])('lstmSequence on %s', (backendName) => {
  beforeAll(async () => {
    await tf.setBackend(backendName);
    await tf.ready();
    // As the engine runs wasm (initBackend): stock wasm has no UnsortedSegmentSum, a lookup's gradient.
    if (backendName === 'wasm') registerWasmKernelOverrides();
  });

  it('runs on the requested backend, with the SIMD cells on wasm', () => {
    expect(tf.getBackend()).toBe(backendName);
    expect(backendAccess(backendName, tf.backend())?.cells !== null).toBe(backendName === 'wasm');
  });

  // Units a multiple of 4 run wasm's SIMD cells (lstm-simd.wat), others the loops of lstm-cell-math.ts; 16 or more
  // rows of A in all pack the recurrent weight for the relaxed-SIMD product (node-relaxed-simd project).
  it('matches the plain autograd version on outputs and gradients, with an initial state', () => {
    for (const [steps, batch, units, seed] of [
      [7, 3, 6, 10],
      [2, 3, 6, 20],
      [7, 5, 8, 25],
      [3, 9, 12, 27],
    ] as const) {
      tf.tidy(() => {
        const w = randomWeights(steps, batch, 5, units, seed);
        const fused = lossAndGrads(lstmSequence, w, true);
        const reference = lossAndGrads(lstmSequenceReference, w, true);
        expectClose(fused.outputs, reference.outputs);
        expectClose(fused.grads, reference.grads);
      });
    }
  });

  it('lstmRecurrence (a lookup of a projected table) matches the plain autograd version, its gradient flowing into the table', () => {
    for (const [steps, batch, units, vocab, seed] of [
      [7, 3, 6, 4, 60],
      [1, 2, 4, 3, 62],
      [5, 9, 8, 11, 65],
    ] as const) {
      tf.tidy(() => {
        // Ids repeat, and with 11 rows some go unused (their gradient rows stay zero).
        const ids = tf.randomUniform([steps, batch], 0, vocab, 'int32', seed + 7) as tf.Tensor2D;
        // x is the embedding [V, I] here (throughLookup's contract).
        const embedding = tf.randomNormal([vocab, 5], 0, 1, 'float32', seed + 6) as tf.Tensor as tf.Tensor3D;
        const w: Weights = { ...randomWeights(steps, batch, 5, units, seed), x: embedding };
        const fused = lossAndGrads(throughLookup(lstmRecurrence, ids), w, true, steps);
        const reference = lossAndGrads(lookedUp(lstmSequenceReference, ids), w, true, steps);
        expectClose(fused.outputs, reference.outputs);
        expectClose(fused.grads, reference.grads);
        expectClose(lossAndGrads(throughLookup(referenceRecurrence, ids), w, true, steps).grads, reference.grads);
      });
    }
    const ids = tf.tensor2d([[0.5]], [1, 1], 'float32');
    expect(() => lstmRecurrence(tf.zeros([2, 8]), ids, tf.zeros([2, 8]), tf.zeros([1, 2]), tf.zeros([1, 2]))).toThrow(
      /int32 ids/,
    );
    ids.dispose();
  });

  it("matches tf.layers.lstm (recurrentActivation 'sigmoid') on outputs and gradients", () => {
    for (const [steps, batch, units, seed] of [
      [6, 4, 5, 30],
      [2, 4, 5, 35],
      [6, 4, 8, 37],
      [20, 6, 16, 39],
    ] as const) {
      tf.tidy(() => {
        const w = randomWeights(steps, batch, 3, units, seed);
        const fused = lossAndGrads(lstmSequence, w, false);
        const layers = layersLossAndGrads(w);
        expectClose(fused.outputs, layers.outputs);
        expectClose(fused.grads, layers.grads);
      });
    }
  });

  it('leaves no tensors behind after forward and backward', () => {
    const w = randomWeights(5, 2, 3, 4, 40);
    const embedding = tf.randomNormal([4, 3], 0, 1, 'float32', 41);
    const ids = tf.tensor2d([0, 1, 2, 3, 3, 2, 1, 0, 1, 1], [5, 2], 'int32');
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const grads = tf.grads((x, k, r, b) => {
        const out = lstmSequence(x as tf.Tensor3D, k as tf.Tensor2D, r as tf.Tensor2D, b as tf.Tensor1D, w.h0, w.c0);
        return tf.addN([tf.sum(out.outputs), tf.sum(out.hT), tf.sum(out.cT)]);
      })([w.x, w.kernel, w.recurrentKernel, w.bias]);
      tf.dispose(grads);
      tf.dispose(Object.values(lstmSequence(w.x, w.kernel, w.recurrentKernel, w.bias, w.h0, w.c0)));
      const recurrence = throughLookup(lstmRecurrence, ids);
      tf.dispose(
        tf.grads((e, r) => {
          const out = recurrence(e as tf.Tensor3D, w.kernel, r as tf.Tensor2D, w.bias, w.h0, w.c0);
          return tf.addN([tf.sum(out.outputs), tf.sum(out.hT), tf.sum(out.cT)]);
        })([embedding, w.recurrentKernel]),
      );
      const x0 = tf.tidy(() => tf.squeeze<tf.Tensor2D>(tf.slice(w.x, 0, 1), [0]));
      tf.dispose([x0, ...Object.values(lstmStep(x0, w.kernel, w.recurrentKernel, w.bias, w.h0, w.c0))]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...Object.values(w), embedding, ids]);
  });

  it('lstmStep equals a one-step sequence', () => {
    tf.tidy(() => {
      const w = randomWeights(1, 2, 3, 4, 50);
      const seq = lstmSequence(w.x, w.kernel, w.recurrentKernel, w.bias, w.h0, w.c0);
      const step = lstmStep(tf.squeeze(w.x, [0]) as tf.Tensor2D, w.kernel, w.recurrentKernel, w.bias, w.h0, w.c0);
      expect(maxAbsDiff(step.h, seq.hT)).toBeLessThan(TOLERANCE);
      expect(maxAbsDiff(step.c, seq.cT)).toBeLessThan(TOLERANCE);
    });
  });
});

afterAll(async () => {
  await tf.setBackend('cpu');
});
