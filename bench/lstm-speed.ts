/**
 * Training and generation speed of the Medium char-LSTM (Embedding 64 -> LSTM 256 -> LSTM 256 -> Dense 65, batch 32,
 * seqLen 100, Adam 2e-3) for several LSTM implementations, timed in one process so the ratios are trustworthy.
 * Run: `npx jiti bench/lstm-speed.ts [--quick]`; prints one JSON object.
 */
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { startLstmHelper, stopLstmHelper } from '../src-main/engine/lstm/lstm-helper';
import { lstmSequence, lstmStep } from '../src-main/engine/lstm/lstm-sequence';
import { registerWasmKernelOverrides, unregisterWasmKernelOverrides } from '../src-main/engine/wasm-kernels/index';
import { useThreadedWasm } from '../src-main/engine/wasm-kernels/threaded-backend';

export interface SpeedShape {
  vocab: number;
  embedding: number;
  units: number;
  batch: number;
  seqLen: number;
}

export const MEDIUM: SpeedShape = { vocab: 65, embedding: 64, units: 256, batch: 32, seqLen: 100 };

export type TrainingVariant = 'layers' | 'fused';

export interface TrainingSpeed {
  variant: TrainingVariant;
  overrides: boolean;
  steps: number;
  /** Wall-clock rate: what a user sees on this (possibly shared) machine. */
  charsPerSecond: number;
  /** Rate per second of this process's CPU time (all threads): the wall-clock rate of one thread on an idle machine. */
  charsPerCpuSecond: number;
  /**
   * Rate per CPU second of the busiest thread (Linux): the wall-clock rate on an idle machine when every thread has
   * its own core. The honest estimate on a shared machine, where wall time mostly measures the neighbours.
   */
  charsPerBusiestThreadSecond: number | null;
  msPerStep: number;
}

export interface GenerationSpeed {
  alternatives: number;
  primeChars: number;
  /** Characters per second of this process's CPU time (generation is single-threaded). */
  charsPerCpuSecond: number;
  charsPerSecond: number;
  firstCharMs: number;
}

interface LstmWeights {
  kernel: tf.Variable;
  recurrentKernel: tf.Variable;
  bias: tf.Variable;
}

interface FusedModel {
  embedding: tf.Variable;
  layers: LstmWeights[];
  denseKernel: tf.Variable;
  denseBias: tf.Variable;
}

function randomBatch(shape: SpeedShape, seed: number): { inputs: tf.Tensor2D; targets: tf.Tensor2D } {
  return tf.tidy(() => {
    const windows = tf.randomUniform([shape.batch, shape.seqLen + 1], 0, shape.vocab, 'int32', seed);
    return {
      inputs: tf.slice(windows, [0, 0], [shape.batch, shape.seqLen]) as tf.Tensor2D,
      targets: tf.slice(windows, [0, 1], [shape.batch, shape.seqLen]) as tf.Tensor2D,
    };
  });
}

/** A variable holding `initial`, which is then disposed (the variable keeps the data). */
function variableFrom(initial: tf.Tensor): tf.Variable {
  const v = tf.variable(initial);
  initial.dispose();
  return v;
}

function fusedModel(shape: SpeedShape): FusedModel {
  const glorot = (rows: number, cols: number) =>
    variableFrom(tf.randomUniform([rows, cols], -Math.sqrt(6 / (rows + cols)), Math.sqrt(6 / (rows + cols))));
  const layer = (inputSize: number): LstmWeights => ({
    kernel: glorot(inputSize, 4 * shape.units),
    recurrentKernel: glorot(shape.units, 4 * shape.units),
    bias: variableFrom(tf.zeros([4 * shape.units])),
  });
  return {
    embedding: variableFrom(tf.randomNormal([shape.vocab, shape.embedding])),
    layers: [layer(shape.embedding), layer(shape.units)],
    denseKernel: glorot(shape.units, shape.vocab),
    denseBias: variableFrom(tf.zeros([shape.vocab])),
  };
}

function fusedLoss(model: FusedModel, shape: SpeedShape, inputs: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  const { batch, seqLen, units, vocab } = shape;
  let x = tf.gather(model.embedding, tf.transpose(inputs)) as tf.Tensor3D;
  const zeros = tf.zeros([batch, units]) as tf.Tensor2D;
  for (const layer of model.layers) {
    const k = layer.kernel as tf.Tensor as tf.Tensor2D;
    const r = layer.recurrentKernel as tf.Tensor as tf.Tensor2D;
    x = lstmSequence(x, k, r, layer.bias as tf.Tensor as tf.Tensor1D, zeros, zeros).outputs;
  }
  const logits = tf.add(tf.matMul(tf.reshape(x, [seqLen * batch, units]), model.denseKernel), model.denseBias);
  const labels = tf.oneHot(tf.reshape(tf.transpose(targets), [seqLen * batch]), vocab);
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
}

function layersModel(shape: SpeedShape): tf.Sequential {
  const lstm = (inputShape?: number[]) =>
    tf.layers.lstm({
      units: shape.units,
      returnSequences: true,
      recurrentActivation: 'sigmoid',
      recurrentInitializer: 'glorotUniform',
      ...(inputShape === undefined ? {} : { inputShape }),
    });
  return tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: shape.vocab, outputDim: shape.embedding, inputLength: shape.seqLen }),
      lstm(),
      lstm(),
      tf.layers.dense({ units: shape.vocab }),
    ],
  });
}

function layersLoss(model: tf.Sequential, shape: SpeedShape, inputs: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  const logits = model.apply(inputs) as tf.Tensor;
  const labels = tf.oneHot(targets, shape.vocab);
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
}

/** CPU seconds used so far by each thread of this process (Linux /proc; empty elsewhere). */
function threadCpuSeconds(): Map<string, number> {
  const dir = '/proc/self/task';
  const result = new Map<string, number>();
  if (!fs.existsSync(dir)) return result;
  for (const tid of fs.readdirSync(dir)) {
    const fields = fs.readFileSync(`${dir}/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    result.set(tid, (Number(fields[11]) + Number(fields[12])) / 100);
  }
  return result;
}

/** The largest per-thread CPU time spent since `before`: the wall time on an idle machine with a core per thread. */
function busiestThreadSince(before: Map<string, number>): number {
  let busiest = 0;
  for (const [tid, seconds] of threadCpuSeconds()) busiest = Math.max(busiest, seconds - (before.get(tid) ?? 0));
  return busiest;
}

function layersOrThrow(model: tf.Sequential | null): tf.Sequential {
  if (model === null) throw new Error('no layers model');
  return model;
}

/** Times `steps` Adam steps after one warm-up step. */
export function measureTraining(
  variant: TrainingVariant,
  overrides: boolean,
  steps: number,
  shape: SpeedShape = MEDIUM,
): TrainingSpeed {
  if (tf.getBackend() === 'wasm') {
    // Registering adds UnsortedSegmentSum (the embedding gradient needs it); unregistering keeps that one.
    registerWasmKernelOverrides();
    if (!overrides) unregisterWasmKernelOverrides();
  }
  const optimizer = tf.train.adam(2e-3);
  const fused = variant === 'fused' ? fusedModel(shape) : null;
  const layers = variant === 'layers' ? layersModel(shape) : null;
  const step = (seed: number) => {
    const { inputs, targets } = randomBatch(shape, seed);
    const loss = optimizer.minimize(() =>
      fused !== null
        ? fusedLoss(fused, shape, inputs, targets)
        : layersLoss(layersOrThrow(layers), shape, inputs, targets),
    );
    loss?.dataSync();
    tf.dispose([loss, inputs, targets].filter((t) => t !== undefined && t !== null));
  };
  step(0);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const threadsStart = threadCpuSeconds();
  for (let i = 1; i <= steps; i++) step(i);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const busiest = busiestThreadSince(threadsStart);
  optimizer.dispose();
  if (fused !== null)
    tf.dispose([
      fused.embedding,
      fused.denseKernel,
      fused.denseBias,
      ...fused.layers.flatMap((l) => [l.kernel, l.recurrentKernel, l.bias]),
    ]);
  layers?.dispose();
  return {
    variant,
    overrides,
    steps,
    charsPerSecond: Math.round((steps * shape.batch * shape.seqLen) / seconds),
    charsPerCpuSecond: Math.round((steps * shape.batch * shape.seqLen) / cpuSeconds),
    charsPerBusiestThreadSecond: busiest > 0 ? Math.round((steps * shape.batch * shape.seqLen) / busiest) : null,
    msPerStep: Math.round((seconds * 1000) / steps),
  };
}

/** Samples `chars` characters for `alternatives` streams with carried state, after priming on `primeLength` chars. */
export function measureGeneration(
  alternatives: number,
  chars: number,
  primeLength: number,
  shape: SpeedShape = MEDIUM,
): GenerationSpeed {
  registerWasmKernelOverridesIfWasm();
  const model = fusedModel(shape);
  const start = performance.now();
  const prime = tf.randomUniform([primeLength, alternatives], 0, shape.vocab, 'int32', 1);
  let states = tf.tidy(() => {
    let x = tf.gather(model.embedding, prime) as tf.Tensor3D;
    const zeros = tf.zeros([alternatives, shape.units]) as tf.Tensor2D;
    return model.layers.map((layer) => {
      const out = lstmSequence(
        x,
        layer.kernel as tf.Tensor as tf.Tensor2D,
        layer.recurrentKernel as tf.Tensor as tf.Tensor2D,
        layer.bias as tf.Tensor as tf.Tensor1D,
        zeros,
        zeros,
      );
      x = out.outputs;
      return { h: out.hT, c: out.cT };
    });
  });
  prime.dispose();
  let ids = new Int32Array(alternatives);
  let firstCharMs = 0;
  let cpuAfterFirst = process.cpuUsage();
  const random = mulberry32(7);
  for (let n = 0; n < chars; n++) {
    const next = tf.tidy(() => {
      let x = tf.gather(model.embedding, tf.tensor1d(ids, 'int32')) as tf.Tensor2D;
      const newStates = model.layers.map((layer, i) => {
        const state = states[i]!;
        const s = lstmStep(
          x,
          layer.kernel as tf.Tensor as tf.Tensor2D,
          layer.recurrentKernel as tf.Tensor as tf.Tensor2D,
          layer.bias as tf.Tensor as tf.Tensor1D,
          state.h,
          state.c,
        );
        x = s.h;
        return s;
      });
      const probs = tf.softmax(tf.add(tf.matMul(x, model.denseKernel), model.denseBias));
      return { newStates, probs };
    });
    const p = next.probs.dataSync();
    ids = new Int32Array(alternatives);
    for (let a = 0; a < alternatives; a++) ids[a] = sample(p, a * shape.vocab, shape.vocab, random());
    next.probs.dispose();
    tf.dispose(states.flatMap((s) => [s.h, s.c]));
    states = next.newStates;
    if (n === 0) {
      firstCharMs = performance.now() - start;
      cpuAfterFirst = process.cpuUsage();
    }
  }
  const seconds = (performance.now() - start - firstCharMs) / 1000;
  const cpu = process.cpuUsage(cpuAfterFirst);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  tf.dispose(states.flatMap((s) => [s.h, s.c]));
  tf.dispose([
    model.embedding,
    model.denseKernel,
    model.denseBias,
    ...model.layers.flatMap((l) => [l.kernel, l.recurrentKernel, l.bias]),
  ]);
  return {
    alternatives,
    primeChars: primeLength,
    charsPerSecond: Math.round(((chars - 1) * alternatives) / seconds),
    charsPerCpuSecond: Math.round(((chars - 1) * alternatives) / cpuSeconds),
    firstCharMs: Math.round(firstCharMs * 10) / 10,
  };
}

function registerWasmKernelOverridesIfWasm(): void {
  if (tf.getBackend() === 'wasm') registerWasmKernelOverrides();
}

function sample(probs: ArrayLike<number>, offset: number, count: number, u: number): number {
  let acc = 0;
  for (let i = 0; i < count; i++) {
    acc += probs[offset + i] ?? 0;
    if (u < acc) return i;
  }
  return count - 1;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const threads = Number(process.argv.find((a) => a.startsWith('--threads='))?.slice('--threads='.length) ?? 1);
  const threaded = useThreadedWasm(threads);
  await tf.setBackend('wasm');
  await tf.ready();
  const helper = process.argv.includes('--helper');
  if (helper) await startLstmHelper();
  const memoryBefore = tf.memory().numTensors;
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const units = Number(process.argv.find((a) => a.startsWith('--units='))?.slice('--units='.length) ?? MEDIUM.units);
  const shape: SpeedShape = { ...MEDIUM, units };
  const training: TrainingSpeed[] = [];
  if (only === undefined || only === 'layers') {
    if (!quick) training.push(measureTraining('layers', false, 1, shape));
    training.push(measureTraining('layers', true, quick ? 1 : 2, shape));
  }
  if (only === undefined || only === 'fused') {
    if (!process.argv.includes('--no-stock')) training.push(measureTraining('fused', false, quick ? 2 : 4, shape));
    training.push(measureTraining('fused', true, quick ? 2 : 4, shape));
  }
  const generation: GenerationSpeed[] = [];
  if (only === undefined || only === 'generation') {
    measureGeneration(1, 50, 50);
    for (const alternatives of [1, 4]) {
      for (const prime of [250, 2000]) generation.push(measureGeneration(alternatives, 1000, prime, shape));
    }
  }
  const result = {
    backend: tf.getBackend(),
    wasmThreads: threaded ? threads : 1,
    helperThread: helper,
    shape,
    training,
    generation,
    numTensors: { before: memoryBefore, after: tf.memory().numTensors },
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  await stopLstmHelper();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (process.argv[1]?.endsWith('lstm-speed.ts')) {
  main()
    .catch((error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    })
    .finally(() => process.exit());
}
