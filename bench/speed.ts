import { spawn } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src-main/engine/backend.ts';
import { startLstmHelper, stopLstmHelper } from '../src-main/engine/lstm/lstm-helper.ts';
import { registerWasmKernelOverrides, unregisterWasmKernelOverrides } from '../src-main/engine/wasm-kernels/index.ts';
import { wasmMatrixKernel } from '../src-main/engine/wasm-kernels/gemm-kernel.ts';
import { CharDataset } from '../src-main/engine/dataset.ts';
import { crossEntropy, disposeWeights, initialWeightValues, weightsFromValues } from '../src-main/engine/model.ts';
import { probeOptions, timeTrainingSteps } from '../src-main/engine/speed-probe.ts';
import { Rng } from '../src-main/engine/rng.ts';
import type { StepperKind } from '../src-main/engine/inference/create-stepper.ts';
import { DEFAULT_PRIME_CHARS, PrimeCache, sample, type SamplerModel } from '../src-main/engine/sampler.ts';
import { DEFAULT_OPTIMIZER, PRESETS, type BackendName, type PresetName } from '../src-main/engine/types.ts';
import { Vocab } from '../src-main/engine/vocab.ts';

export interface SpeedOptions {
  text: string;
  preset: PresetName;
  warmupSteps: number;
  steps: number;
  /** Also time tfjs-layers' stock LSTM (slow on cpu). */
  stock: boolean;
  generationLength: number;
}

const seconds = (from: number): number => (performance.now() - from) / 1000;

/** Our functional model with the engine's own train step (the LSTM from src-main/engine/lstm), as the probe times it. */
async function ourTraining(
  dataset: CharDataset,
  vocab: Vocab,
  preset: PresetName,
  opts: SpeedOptions,
): Promise<number> {
  const speed = await timeTrainingSteps(
    dataset,
    vocab.size,
    PRESETS[preset],
    probeOptions({ warmupSteps: opts.warmupSteps, steps: opts.steps, slowStepMs: Infinity }),
  );
  if (speed === null) throw new Error('the timing was abandoned');
  return speed;
}

/** The same model built from tfjs-layers (stock LSTM layer), trained with optimizer.minimize in a custom loop. */
async function stockTraining(
  dataset: CharDataset,
  vocab: Vocab,
  preset: PresetName,
  opts: SpeedOptions,
): Promise<number> {
  const hp = PRESETS[preset];
  const { batchSize, seqLen, learningRate } = DEFAULT_OPTIMIZER;
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: vocab.size, outputDim: hp.embeddingSize, batchInputShape: [null, null] }));
  for (let l = 0; l < hp.layers; l++) {
    model.add(
      tf.layers.lstm({
        units: hp.units,
        returnSequences: true,
        recurrentActivation: 'sigmoid',
        recurrentInitializer: 'glorotUniform',
      }),
    );
  }
  model.add(tf.layers.dense({ units: vocab.size }));
  const optimizer = tf.train.adam(learningRate);
  const rng = Rng.fromSeed(1);
  let started = 0;
  for (let i = 0; i < opts.warmupSteps + opts.steps; i++) {
    if (i === opts.warmupSteps) started = performance.now();
    const batch = dataset.sampleBatch(rng, batchSize);
    const x = tf.tensor2d(batch.inputs, [batchSize, seqLen], 'float32');
    const y = tf.tensor1d(batch.targets, 'int32');
    const loss = optimizer.minimize(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor3D;
      return crossEntropy(tf.reshape(logits, [batchSize * seqLen, vocab.size]), y);
    }, true);
    await loss?.data();
    tf.dispose([x, y, loss ?? []]);
  }
  const elapsed = seconds(started);
  optimizer.dispose();
  model.dispose();
  return (opts.steps * batchSize * seqLen) / elapsed;
}

/** Generation speed and time to first character with one stepper (the step kernel, or tensor ops per step). */
async function generationWith(model: SamplerModel, text: string, kind: StepperKind, length: number) {
  const prime = text.slice(0, 10_000);
  const run = (
    alternatives: number,
    primeChars: number,
    maxLength: number,
    primeText = prime,
    primeCache?: PrimeCache,
  ) =>
    sample(
      model,
      {
        prime: primeText,
        primeChars,
        temperatures: new Array<number>(alternatives).fill(0.8),
        topK: 0,
        topP: 1,
        maxLength,
        stopStrings: [],
        seed: 1,
      },
      { stepper: kind, ...(primeCache === undefined ? {} : { primeCache }) },
    );
  await run(1, 200, 50);
  const one = await run(1, DEFAULT_PRIME_CHARS, length);
  const four = await run(4, DEFAULT_PRIME_CHARS, length);
  const longPrime = await run(1, 2000, 1);
  const short = await run(1, 0, 20);
  // The editor's usual case: the writer typed a little since the prime was warmed, so the cached prime is extended.
  const cache = new PrimeCache();
  await run(1, DEFAULT_PRIME_CHARS, 1, prime, cache);
  const extended = await run(1, DEFAULT_PRIME_CHARS, 20, `${prime}\nROMEO: `, cache);
  cache.dispose();
  return {
    charsPerSecond1: one.charsPerSecond,
    charsPerSecond4: four.charsPerSecond,
    /** Cold (nothing cached), with the default prime of DEFAULT_PRIME_CHARS characters. */
    timeToFirstCharMs: one.timeToFirstCharMs,
    timeToFirstCharMs2000CharPrime: longPrime.timeToFirstCharMs,
    timeToFirstCharMsEmptyPrime: short.timeToFirstCharMs,
    timeToFirstCharMsCachedPrime: extended.timeToFirstCharMs,
  };
}

async function generation(vocab: Vocab, preset: PresetName, text: string, opts: SpeedOptions) {
  const hp = PRESETS[preset];
  const model = {
    weights: weightsFromValues(hp, vocab.size, initialWeightValues(hp, vocab.size, Rng.fromSeed(2))),
    vocab,
  };
  const kernel = await generationWith(model, text, 'kernel', opts.generationLength);
  // The previous implementation: tensor ops per character (what native TensorFlow still uses).
  const tensor = await generationWith(model, text, 'tensor', opts.generationLength);
  disposeWeights(model.weights);
  return {
    defaultPrimeChars: DEFAULT_PRIME_CHARS,
    ...kernel,
    tensorOps: tensor,
    speedupOverTensorOps1: kernel.charsPerSecond1 / tensor.charsPerSecond1,
    speedupOverTensorOps4: kernel.charsPerSecond4 / tensor.charsPerSecond4,
  };
}

/** Runs `fn` while another process keeps one core busy (a writer's machine is rarely idle while it trains). */
async function withOneCoreBusy<T>(fn: () => Promise<T>): Promise<T> {
  const spinner = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  try {
    return await fn();
  } finally {
    spinner.kill('SIGKILL');
  }
}

/** Everything `npm run bench` reports for one backend, measured in this process. */
export async function measureBackend(backend: BackendName, opts: SpeedOptions): Promise<Record<string, unknown>> {
  try {
    await initBackend([backend]);
  } catch (error) {
    return { loaded: false, error: String(error) };
  }
  const numTensorsBefore = tf.memory().numTensors;
  const vocab = Vocab.fromTexts([opts.text]);
  const dataset = CharDataset.fromTexts([opts.text], vocab, DEFAULT_OPTIMIZER.seqLen);
  const ours = await ourTraining(dataset, vocab, opts.preset, opts);
  // The app's engine worker trains with a helper thread on wasm (the second core); time that configuration too.
  const helperStarted = backend === 'wasm' && (await startLstmHelper().catch(() => false));
  const oursWithHelper = helperStarted ? await ourTraining(dataset, vocab, opts.preset, opts) : null;
  // The helper splits every batch in two halves: with the second core taken, the halves wait for each other.
  const busy = helperStarted ? await withOneCoreBusy(() => ourTraining(dataset, vocab, opts.preset, opts)) : null;
  if (helperStarted) await stopLstmHelper();
  const busyOneThread = helperStarted
    ? await withOneCoreBusy(() => ourTraining(dataset, vocab, opts.preset, opts))
    : null;
  // The previous implementation: tfjs-layers' LSTM on the stock kernels.
  if (backend === 'wasm') unregisterWasmKernelOverrides();
  const stock = opts.stock ? await stockTraining(dataset, vocab, opts.preset, opts) : null;
  if (backend === 'wasm') registerWasmKernelOverrides();
  const best = Math.max(ours, oursWithHelper ?? 0);
  const gen = await generation(vocab, opts.preset, opts.text, opts);
  return {
    loaded: true,
    /** Where wasm's matrix products ran: gemm.wat (relaxed SIMD) or XNNPACK (SIMD128). */
    ...(backend === 'wasm' ? { matrixKernel: wasmMatrixKernel() } : {}),
    preset: opts.preset,
    vocabSize: vocab.size,
    timedSteps: opts.steps,
    trainingCharsPerSecond: best,
    trainingCharsPerSecondOneThread: ours,
    trainingCharsPerSecondWithHelperThread: oursWithHelper,
    /** Another process keeping one core busy meanwhile. */
    oneCoreBusy: busy === null ? null : { withHelperThread: busy, oneThread: busyOneThread },
    stockLayersTrainingCharsPerSecond: stock,
    speedupOverStock: stock === null ? null : best / stock,
    generation: gen,
    numTensorsBefore,
    numTensorsAfter: tf.memory().numTensors,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}
