import * as tf from '@tensorflow/tfjs';
import { fusedDenseCrossEntropy } from './lstm/dense-loss.ts';
import { fusedLstmActive } from './lstm/lstm-kernels.ts';
import { lstmRecurrence, lstmSequence, lstmStep } from './lstm/lstm-sequence.ts';
import type { Rng } from './rng.ts';
import type { ModelHyperparams } from './types.ts';

/** One LSTM layer: kernel [I, 4U], recurrentKernel [U, 4U], bias [4U]; gate order i, f, c, o. */
export interface LstmWeights {
  kernel: tf.Tensor2D;
  recurrentKernel: tf.Tensor2D;
  bias: tf.Tensor1D;
}

/** Embedding [V, E] -> LSTM x layers -> Dense kernel [U, V], bias [V]. */
export interface CharLstmWeights {
  embedding: tf.Tensor2D;
  lstm: LstmWeights[];
  denseKernel: tf.Tensor2D;
  denseBias: tf.Tensor1D;
}

/** Per-layer recurrent state, h and c [B, U] each. */
export type LstmState = { h: tf.Tensor2D; c: tf.Tensor2D }[];

export interface WeightSpec {
  /** The tfjs-layers weight name, e.g. `lstm_1/recurrent_kernel`. */
  name: string;
  shape: number[];
}

/** The weights in tfjs-layers order, with the names a Sequential model of the same layers gives them. */
export function weightSpecs(hp: ModelHyperparams, vocabSize: number): WeightSpec[] {
  const specs: WeightSpec[] = [{ name: 'embedding/embeddings', shape: [vocabSize, hp.embeddingSize] }];
  for (let l = 0; l < hp.layers; l++) {
    const input = l === 0 ? hp.embeddingSize : hp.units;
    specs.push(
      { name: `lstm_${l + 1}/kernel`, shape: [input, 4 * hp.units] },
      { name: `lstm_${l + 1}/recurrent_kernel`, shape: [hp.units, 4 * hp.units] },
      { name: `lstm_${l + 1}/bias`, shape: [4 * hp.units] },
    );
  }
  specs.push({ name: 'dense/kernel', shape: [hp.units, vocabSize] }, { name: 'dense/bias', shape: [vocabSize] });
  return specs;
}

export function parameterCount(hp: ModelHyperparams, vocabSize: number): number {
  return weightSpecs(hp, vocabSize).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

export function flattenWeights(w: CharLstmWeights): tf.Tensor[] {
  return [w.embedding, ...w.lstm.flatMap((l) => [l.kernel, l.recurrentKernel, l.bias]), w.denseKernel, w.denseBias];
}

/** The inverse of flattenWeights. */
export function unflattenWeights(list: readonly tf.Tensor[]): CharLstmWeights {
  const layers = (list.length - 3) / 3;
  const at = (i: number): tf.Tensor => {
    const t = list[i];
    if (t === undefined) throw new RangeError(`missing weight ${i}`);
    return t;
  };
  const lstm: LstmWeights[] = [];
  for (let l = 0; l < layers; l++) {
    lstm.push({
      kernel: at(1 + 3 * l) as tf.Tensor2D,
      recurrentKernel: at(2 + 3 * l) as tf.Tensor2D,
      bias: at(3 + 3 * l) as tf.Tensor1D,
    });
  }
  return {
    embedding: at(0) as tf.Tensor2D,
    lstm,
    denseKernel: at(list.length - 2) as tf.Tensor2D,
    denseBias: at(list.length - 1) as tf.Tensor1D,
  };
}

/**
 * PyTorch's default initialisation (it learns faster early than Keras's): embedding N(0, 1); LSTM weights
 * U(±1/sqrt(units)) with the bias the sum of two such draws (PyTorch has b_ih + b_hh); Dense U(±1/sqrt(fan_in)).
 */
export function initialWeightValues(hp: ModelHyperparams, vocabSize: number, rng: Rng): Float32Array[] {
  const uniform = (size: number, bound: number, draws = 1): Float32Array => {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      let v = 0;
      for (let d = 0; d < draws; d++) v += (2 * rng.next() - 1) * bound;
      out[i] = v;
    }
    return out;
  };
  const values: Float32Array[] = [];
  const embedding = new Float32Array(vocabSize * hp.embeddingSize);
  for (let i = 0; i < embedding.length; i++) embedding[i] = rng.normal();
  values.push(embedding);
  const k = 1 / Math.sqrt(hp.units);
  for (let l = 0; l < hp.layers; l++) {
    const input = l === 0 ? hp.embeddingSize : hp.units;
    values.push(uniform(input * 4 * hp.units, k), uniform(hp.units * 4 * hp.units, k), uniform(4 * hp.units, k, 2));
  }
  values.push(uniform(hp.units * vocabSize, k), uniform(vocabSize, k));
  return values;
}

export function weightsFromValues(
  hp: ModelHyperparams,
  vocabSize: number,
  values: readonly Float32Array[],
): CharLstmWeights {
  const specs = weightSpecs(hp, vocabSize);
  if (values.length !== specs.length)
    throw new RangeError(`expected ${specs.length} weight arrays, got ${values.length}`);
  return unflattenWeights(specs.map((s, i) => tf.tensor(values[i] ?? new Float32Array(0), s.shape, 'float32')));
}

export function disposeWeights(w: CharLstmWeights): void {
  tf.dispose(flattenWeights(w));
}

export function disposeState(state: LstmState): void {
  for (const s of state) tf.dispose([s.h, s.c]);
}

export function zeroState(w: CharLstmWeights, batch: number): LstmState {
  return w.lstm.map((l) => {
    const units = l.recurrentKernel.shape[0];
    return { h: tf.zeros([batch, units]) as tf.Tensor2D, c: tf.zeros([batch, units]) as tf.Tensor2D };
  });
}

export interface DropoutOptions {
  rate: number;
  /** One seed per layer, so training is reproducible. */
  seeds: number[];
}

/**
 * The first LSTM layer's input projection as a table [V, 4U] for lstmRecurrence to look ids [T, B] up in, where
 * the vocabulary has fewer characters than ids: projected once (V rows, not T * B), the same values, and the
 * gradient then sums dz per character instead of two products over every id. Else null.
 */
function firstProjection(w: CharLstmWeights, first: LstmWeights, ids: tf.Tensor2D): tf.Tensor2D | null {
  const [steps, batch] = ids.shape;
  if (w.embedding.shape[0] >= steps * batch) return null;
  return tf.add(tf.matMul(w.embedding, first.kernel), first.bias) as tf.Tensor2D;
}

/** Ids [T, B] int32 through the embedding and the LSTM layers: outputs [T, B, U] and the final state. */
function runLayers(
  w: CharLstmWeights,
  ids: tf.Tensor2D,
  state: LstmState,
  dropout?: DropoutOptions,
): { x: tf.Tensor3D; state: LstmState } {
  let x: tf.Tensor3D | null = null;
  const next: LstmState = [];
  w.lstm.forEach((layer, l) => {
    const s = state[l];
    if (s === undefined) throw new RangeError(`no state for layer ${l}`);
    const table = x === null ? firstProjection(w, layer, ids) : null;
    const out =
      table !== null
        ? lstmRecurrence(table, ids, layer.recurrentKernel, s.h, s.c)
        : lstmSequence(
            x ?? (tf.gather(w.embedding, ids) as tf.Tensor as tf.Tensor3D),
            layer.kernel,
            layer.recurrentKernel,
            layer.bias,
            s.h,
            s.c,
          );
    next.push({ h: out.hT, c: out.cT });
    x = out.outputs;
    if (dropout !== undefined && dropout.rate > 0)
      x = tf.dropout(x, dropout.rate, undefined, dropout.seeds[l]) as tf.Tensor3D;
  });
  if (x === null) throw new RangeError('a model needs at least one LSTM layer');
  return { x, state: next };
}

/**
 * ids [T, B] int32 time-major -> logits [T * B, V] (row t * B + b), plus the final state.
 * Dropout (training only) follows every LSTM layer, as in the PyTorch reference.
 */
export function forward(
  w: CharLstmWeights,
  ids: tf.Tensor2D,
  state: LstmState,
  dropout?: DropoutOptions,
): { logits: tf.Tensor2D; state: LstmState } {
  const [steps, batch] = ids.shape;
  const { x, state: next } = runLayers(w, ids, state, dropout);
  const units = w.denseKernel.shape[0];
  const logits = tf.add(tf.matMul(tf.reshape(x, [steps * batch, units]), w.denseKernel), w.denseBias) as tf.Tensor2D;
  return { logits, state: next };
}

/** Mean cross-entropy in nats: logits [N, V], targets [N] int32. */
export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const vocab = logits.shape[1];
  const picked = tf.sum(tf.mul(tf.oneHot(targets, vocab), tf.logSoftmax(logits)), 1);
  return tf.neg(tf.mean(picked));
}

/**
 * Mean cross-entropy in nats of the next characters, targets [T * B] int32 (row t * B + b), after ids [T, B]:
 * crossEntropy(forward(...).logits, targets), with the output layer and the loss fused (and split across the
 * helper thread while training) where the fused LSTM runs.
 */
export function forwardLoss(
  w: CharLstmWeights,
  ids: tf.Tensor2D,
  targets: tf.Tensor1D,
  state: LstmState,
  dropout?: DropoutOptions,
): tf.Scalar {
  if (!fusedLstmActive()) return crossEntropy(forward(w, ids, state, dropout).logits, targets);
  const [steps, batch] = ids.shape;
  const { x } = runLayers(w, ids, state, dropout);
  const units = w.denseKernel.shape[0];
  return fusedDenseCrossEntropy(tf.reshape(x, [steps * batch, units]), w.denseKernel, w.denseBias, targets);
}

/** One generation step: ids [B] int32 -> logits [B, V] and the next state (no dropout). */
export function step(
  w: CharLstmWeights,
  ids: tf.Tensor1D,
  state: LstmState,
): { logits: tf.Tensor2D; state: LstmState } {
  let x = tf.gather(w.embedding, ids) as tf.Tensor2D;
  const next: LstmState = [];
  w.lstm.forEach((layer, l) => {
    const s = state[l];
    if (s === undefined) throw new RangeError(`no state for layer ${l}`);
    const out = lstmStep(x, layer.kernel, layer.recurrentKernel, layer.bias, s.h, s.c);
    next.push(out);
    x = out.h;
  });
  return { logits: tf.add(tf.matMul(x, w.denseKernel), w.denseBias) as tf.Tensor2D, state: next };
}

/** Runs ids [T, B] int32 through the LSTM layers only, returning the final state (priming before generation). */
export function advanceState(w: CharLstmWeights, ids: tf.Tensor2D, state: LstmState): LstmState {
  return tf.tidy(() => runLayers(w, ids, state).state);
}

/** A new character's output logit below every known one: its step-0 probability is under e^-20 in total. */
const NEW_CHARACTER_LOGIT = -20;

/**
 * A model's weight values (weightSpecs order) for a vocabulary grown from `from` to `to` characters by appending:
 * each new embedding row is the mean of the known rows, each new output column is zero with a bias of
 * NEW_CHARACTER_LOGIT - ln(new count), so the known characters' predictions are unchanged to about 1e-8 at step 0
 * and the new ones are learned through their kernel columns.
 */
export function growVocabulary(
  hp: ModelHyperparams,
  values: readonly Float32Array[],
  from: number,
  to: number,
): Float32Array[] {
  const added = to - from;
  if (added < 0) throw new RangeError(`cannot shrink a vocabulary from ${from} to ${to}`);
  const [embedding, ...rest] = values;
  const bias = rest.at(-1);
  const kernel = rest.at(-2);
  if (embedding === undefined || bias === undefined || kernel === undefined || rest.length !== 3 * hp.layers + 2)
    throw new RangeError(`expected ${3 * hp.layers + 3} weight arrays, got ${values.length}`);
  if (added === 0) return values.map((v) => Float32Array.from(v));
  const e = hp.embeddingSize;
  const grownEmbedding = new Float32Array(to * e);
  grownEmbedding.set(embedding.subarray(0, from * e));
  const mean = new Float32Array(e);
  for (let r = 0; r < from; r++)
    for (let j = 0; j < e; j++) mean[j] = (mean[j] ?? 0) + (embedding[r * e + j] ?? 0) / from;
  for (let r = from; r < to; r++) grownEmbedding.set(mean, r * e);
  // Dense kernel [U, V] is row-major: each unit's row gains `added` zero columns at its end.
  const grownKernel = new Float32Array(hp.units * to);
  for (let u = 0; u < hp.units; u++) grownKernel.set(kernel.subarray(u * from, (u + 1) * from), u * to);
  const grownBias = new Float32Array(to).fill(NEW_CHARACTER_LOGIT - Math.log(added));
  grownBias.set(bias.subarray(0, from));
  return [grownEmbedding, ...rest.slice(0, -2).map((v) => Float32Array.from(v)), grownKernel, grownBias];
}
