import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lstmSequenceReference } from '../../../src-main/engine/lstm/lstm-reference';
import {
  crossEntropy,
  flattenWeights,
  forwardLoss,
  initialWeightValues,
  unflattenWeights,
  weightsFromValues,
  zeroState,
  type CharLstmWeights,
} from '../../../src-main/engine/model';
import { Rng } from '../../../src-main/engine/rng';
import { registerWasmKernelOverrides } from '../../../src-main/engine/wasm-kernels/index';

const HP = { embeddingSize: 5, units: 8, layers: 2, dropout: 0 };
const VOCAB = 7;

/** The model written out with plain tf ops: embedding lookup, the autograd LSTM per layer, dense. */
function plainLogits(w: CharLstmWeights, ids: tf.Tensor2D): tf.Tensor2D {
  const [steps, batch] = ids.shape;
  let x = tf.gather(w.embedding, ids) as tf.Tensor as tf.Tensor3D;
  for (const layer of w.lstm) {
    const zeros = tf.zeros([batch, HP.units]) as tf.Tensor2D;
    x = lstmSequenceReference(x, layer.kernel, layer.recurrentKernel, layer.bias, zeros, zeros).outputs;
  }
  return tf.add(tf.matMul(tf.reshape(x, [steps * batch, HP.units]), w.denseKernel), w.denseBias) as tf.Tensor2D;
}

/** Loss and its gradient for every weight, through `lossOf`. */
function lossAndGrads(weights: tf.Tensor[], lossOf: (w: CharLstmWeights) => tf.Scalar): number[][] {
  const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => lossOf(unflattenWeights(ws)))(weights);
  return [value, ...grads].map((t) => [...t.dataSync()]);
}

describe.each(['wasm', 'cpu'])('the model on %s', (backendName) => {
  beforeAll(async () => {
    await tf.setBackend(backendName);
    await tf.ready();
    if (backendName === 'wasm') registerWasmKernelOverrides();
  });

  // 4 x 3 = 12 ids over 7 characters: the first layer looks up a projected table; 1 x 2 = 2 ids gather embeddings.
  // forwardLoss fuses the output layer and the loss (its softmax and gradient in one pass each).
  it.each([
    [4, 3],
    [1, 2],
  ])('forwardLoss (%i steps of %i) gives the plain model’s loss and gradients', (steps, batch) => {
    tf.tidy(() => {
      const weights = flattenWeights(weightsFromValues(HP, VOCAB, initialWeightValues(HP, VOCAB, Rng.fromSeed(3))));
      const rng = Rng.fromSeed(4);
      const draw = () => Int32Array.from({ length: steps * batch }, () => Math.floor(rng.next() * VOCAB));
      const ids = tf.tensor2d(draw(), [steps, batch], 'int32');
      const targets = tf.tensor1d(draw(), 'int32');
      const ours = lossAndGrads(weights, (w) => forwardLoss(w, ids, targets, zeroState(w, batch)));
      const plain = lossAndGrads(weights, (w) => crossEntropy(plainLogits(w, ids), targets));
      expect(ours.length).toBe(plain.length);
      plain.forEach((expected, i) => {
        const actual = ours[i] ?? [];
        expect(actual.length).toBe(expected.length);
        const worst = expected.reduce((m, v, j) => Math.max(m, Math.abs(v - (actual[j] ?? NaN))), 0);
        expect(worst).toBeLessThan(1e-5);
      });
    });
  });

  it('forwardLoss rejects a target outside the vocabulary and leaks no tensors', () => {
    const weights = weightsFromValues(HP, VOCAB, initialWeightValues(HP, VOCAB, Rng.fromSeed(5)));
    const ids = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
    const before = tf.memory().numTensors;
    for (const bad of [VOCAB, -1]) {
      const targets = tf.tensor1d([0, 1, bad, 2], 'int32');
      expect(() => tf.tidy(() => forwardLoss(weights, ids, targets, zeroState(weights, 2)))).toThrow(
        new RegExp(`target ${bad} is not in \\[0, ${VOCAB - 1}\\]`),
      );
      targets.dispose();
    }
    const targets = tf.tensor1d([0, 1, 6, 2], 'int32');
    for (let i = 0; i < 3; i++) {
      const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) =>
        forwardLoss(unflattenWeights(ws), ids, targets, zeroState(weights, 2)),
      )(flattenWeights(weights));
      tf.dispose([value, ...grads]);
    }
    targets.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ids, ...flattenWeights(weights)]);
  });
});

afterAll(async () => {
  await tf.setBackend('cpu');
});
