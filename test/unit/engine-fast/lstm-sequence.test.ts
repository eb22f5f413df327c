import * as tf from '@tensorflow/tfjs';
import { backendAccess } from '../../../src-main/engine/lstm/backend-access';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lstmRecurrence, lstmSequence, lstmStep } from '../../../src-main/engine/lstm/lstm-sequence';
import { lstmRecurrenceReference, lstmSequenceReference } from '../../../src-main/engine/lstm/lstm-reference';

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
function lossAndGrads(fn: SequenceFn, w: Weights, withState: boolean): { outputs: tf.Tensor[]; grads: tf.Tensor[] } {
  const [steps = 0, batch = 0] = w.x.shape;
  const units = w.h0.shape[1];
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

/** lstmSequence's contract through lstmRecurrence: x projected (x · kernel + bias) first, as the caller does. */
function throughRecurrence(recurrence: typeof lstmRecurrence): SequenceFn {
  return (x, kernel, recurrentKernel, bias, h0, c0) => {
    const [steps = 0, batch = 0, inputSize = 0] = x.shape;
    const xw = tf.reshape<tf.Rank.R3>(tf.add(tf.matMul(tf.reshape(x, [steps * batch, inputSize]), kernel), bias), [
      steps,
      batch,
      kernel.shape[1],
    ]);
    return recurrence(xw, recurrentKernel, h0, c0);
  };
}

function expectClose(actual: tf.Tensor[], expected: tf.Tensor[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(maxAbsDiff(a, expected[i] as tf.Tensor)).toBeLessThan(TOLERANCE));
}

describe.each(['wasm', 'cpu'])('lstmSequence on %s', (backendName) => {
  beforeAll(async () => {
    await tf.setBackend(backendName);
    await tf.ready();
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

  it('lstmRecurrence (a projected input) matches the plain autograd version, its gradient flowing into the projection', () => {
    for (const [steps, batch, units, seed] of [
      [7, 3, 6, 60],
      [1, 2, 4, 62],
      [5, 9, 8, 65],
    ] as const) {
      tf.tidy(() => {
        const w = randomWeights(steps, batch, 5, units, seed);
        const fused = lossAndGrads(throughRecurrence(lstmRecurrence), w, true);
        const reference = lossAndGrads(lstmSequenceReference, w, true);
        expectClose(fused.outputs, reference.outputs);
        expectClose(fused.grads, reference.grads);
        expectClose(lossAndGrads(throughRecurrence(lstmRecurrenceReference), w, true).grads, reference.grads);
      });
    }
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
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const grads = tf.grads((x, k, r, b) => {
        const out = lstmSequence(x as tf.Tensor3D, k as tf.Tensor2D, r as tf.Tensor2D, b as tf.Tensor1D, w.h0, w.c0);
        return tf.addN([tf.sum(out.outputs), tf.sum(out.hT), tf.sum(out.cT)]);
      })([w.x, w.kernel, w.recurrentKernel, w.bias]);
      tf.dispose(grads);
      tf.dispose(Object.values(lstmSequence(w.x, w.kernel, w.recurrentKernel, w.bias, w.h0, w.c0)));
      const recurrence = throughRecurrence(lstmRecurrence);
      tf.dispose(
        tf.grads((x, r) => {
          const out = recurrence(x as tf.Tensor3D, w.kernel, r as tf.Tensor2D, w.bias, w.h0, w.c0);
          return tf.addN([tf.sum(out.outputs), tf.sum(out.hT), tf.sum(out.cT)]);
        })([w.x, w.recurrentKernel]),
      );
      const x0 = tf.tidy(() => tf.squeeze<tf.Tensor2D>(tf.slice(w.x, 0, 1), [0]));
      tf.dispose([x0, ...Object.values(lstmStep(x0, w.kernel, w.recurrentKernel, w.bias, w.h0, w.c0))]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(w));
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
