import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.ts';
import { CopyIndex, DEFAULT_COPY_WINDOW } from './copy-index.ts';
import { COPY_INDEX_FILE, loadOrBuildCopyIndex } from './copy-index-store.ts';
import * as tf from '@tensorflow/tfjs';
import { AppError, toErrorInfo } from '../contract/errors.ts';
import { corpusRef } from './corpus-hash.ts';
import { CharDataset, type Batch } from './dataset.ts';
import {
  forwardLoss,
  growVocabulary,
  initialWeightValues,
  parameterCount,
  unflattenWeights,
  weightSpecs,
  zeroState,
} from './model.ts';
import { newModelId, type ModelMetadata, type ModelStore, type TrainerState } from './model-store.ts';
import { disposeAdamState, zeroAdamState, type AdamState } from './optimizer.ts';
import { toTimeMajor, trainStep } from './train-step.ts';
import { Rng } from './rng.ts';
import { sample } from './sampler.ts';
import {
  DEFAULT_OPTIMIZER,
  PRESETS,
  type BackendName,
  type CorpusInput,
  type ModelHyperparams,
  type ModelLineage,
  type ResumeConfig,
  type TrainingBudget,
  type TrainingConfig,
  type TrainingEvent,
} from './types.ts';
import { Vocab } from './vocab.ts';

export const SAMPLE_TEMPERATURES = [0.5, 0.8, 1.0];
const PROGRESS_INTERVAL_MS = 200;
/** Between evaluations a slow run still checkpoints this often, so a crash loses at most this much work. */
const CHECKPOINT_INTERVAL_MS = 2 * 60_000;
/** Train-loss points in the curve are means over this many steps. */
const CURVE_EVERY = 10;

export interface TrainingRunOptions {
  runId: string;
  store: ModelStore;
  backend: BackendName;
  onEvent: (event: TrainingEvent) => void;
  /** Awaited before every step: lets interactive work (generation) run first on the same thread. */
  beforeStep?: () => Promise<void>;
}

type Metadata = Omit<ModelMetadata, 'formatVersion' | 'files'>;

interface RunState {
  metadata: Metadata;
  vocab: Vocab;
  dataset: CharDataset;
  /** Flat, in weightSpecs order. */
  weights: tf.Tensor[];
  adam: AdamState;
  rng: Rng;
  best: Float32Array[];
  evalsWithoutImprovement: number;
  elapsedSeconds: number;
  /** The corpora's copy index: each evaluation reports how much of its samples is new. */
  copies: CopyIndex;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function totalSteps(budget: TrainingBudget, stepsPerEpoch: number): number | null {
  if (budget.kind === 'steps') return Math.floor(budget.steps);
  if (budget.kind === 'epochs') return Math.ceil(budget.epochs * stepsPerEpoch);
  return null;
}

function checkCorpora(corpora: readonly CorpusInput[]): void {
  if (corpora.length === 0) throw new AppError('E_NO_CORPORA', 'training needs at least one corpus');
}

async function downloadAll(tensors: readonly tf.Tensor[]): Promise<Float32Array[]> {
  const values = await Promise.all(tensors.map((t) => t.data<'float32'>()));
  return values.map((v) => Float32Array.from(v));
}

/** At most this many characters new to the base join a fine-tune's vocabulary (CJK text brings thousands). */
export const MAX_NEW_CHARACTERS = 500;

/** Fine-tuning's learning rate (see the README's fine-tuning recipe); a config's optimizer overrides it. */
export const FINE_TUNE_LEARNING_RATE = 2e-3;

/** What a run's first step starts from: fresh weights, or a base model's best ones with the vocabulary grown. */
interface StartingPoint {
  preset: TrainingConfig['preset'];
  model: ModelHyperparams;
  vocab: Vocab;
  initial: Float32Array[];
  base?: ModelLineage;
}

async function startingPoint(
  config: TrainingConfig,
  texts: readonly string[],
  store: ModelStore,
  rng: Rng,
  startFrom: string | undefined,
): Promise<StartingPoint> {
  if (startFrom === undefined) {
    const model = { ...PRESETS[config.preset], ...config.model };
    const vocab = Vocab.fromTexts(texts);
    return { preset: config.preset, model, vocab, initial: initialWeightValues(model, vocab.size, rng) };
  }
  // Validates every file of the base first: a damaged base fails here, before anything is created.
  const base = await store.load(startFrom);
  const { vocab, added } = Vocab.fromCodePoints(base.codePoints).extendedBy(texts);
  const { metadata } = base;
  if (added.length > MAX_NEW_CHARACTERS) {
    const examples = added
      .slice(0, 8)
      .map((cp) => String.fromCodePoint(cp))
      .join(' ');
    const perCharacter = metadata.model.embeddingSize + metadata.model.units + 1;
    throw new AppError(
      'E_TOO_LARGE',
      `The corpora have ${added.length} characters that ${metadata.name} does not know (${examples} ...); ` +
        `a fine-tune adds at most ${MAX_NEW_CHARACTERS}, each costing ${perCharacter} parameters and a slower ` +
        `step. Train from scratch instead, or leave out the texts in other scripts.`,
    );
  }
  // The base's shape is fixed by its weights; only dropout may change.
  const dropout = config.model?.dropout;
  const model = dropout === undefined ? metadata.model : { ...metadata.model, dropout };
  return {
    preset: metadata.preset,
    model,
    vocab,
    initial: growVocabulary(model, base.best, base.codePoints.length, vocab.size),
    base: {
      id: metadata.id,
      name: metadata.name,
      step: metadata.step,
      bestValNatsPerChar: metadata.bestValNatsPerChar,
      corpora: [...(metadata.base?.corpora ?? []), ...metadata.corpora],
    },
  };
}

/**
 * Builds a new model and saves its step-0 checkpoint: seeded PyTorch-style weights, or with `startFrom` the best
 * weights of that saved model (a fine-tune: its shape, its vocabulary with the corpora's new characters appended).
 */
export async function createTrainingRun(
  config: TrainingConfig,
  corpora: readonly CorpusInput[],
  opts: TrainingRunOptions,
  startFrom?: string,
): Promise<TrainingRun> {
  checkCorpora(corpora);
  const texts = corpora.map((c) => c.text);
  const rng = Rng.fromSeed(config.seed);
  const start = await startingPoint(config, texts, opts.store, rng, startFrom);
  const { model, vocab, initial } = start;
  const fineTune = start.base === undefined ? {} : { learningRate: FINE_TUNE_LEARNING_RATE };
  const optimizer = { ...DEFAULT_OPTIMIZER, ...fineTune, ...config.optimizer };
  const dataset = CharDataset.fromTexts(texts, vocab, optimizer.seqLen);
  const specs = weightSpecs(model, vocab.size);
  const weights = specs.map((s, i) => tf.tensor(initial[i] ?? new Float32Array(0), s.shape, 'float32'));
  const now = new Date().toISOString();
  const metadata: Metadata = {
    id: newModelId(),
    name: config.name,
    preset: start.preset,
    model,
    optimizer,
    training: {
      budget: config.budget,
      evalEvery: config.evalEvery,
      ...(config.evalSteps === undefined ? {} : { evalSteps: config.evalSteps }),
      earlyStopping: config.earlyStopping,
      seed: config.seed,
      sampleLength: config.sampleLength,
    },
    vocabSize: vocab.size,
    parameters: parameterCount(model, vocab.size),
    corpora: corpora.map(corpusRef),
    backend: opts.backend,
    createdAt: now,
    updatedAt: now,
    step: 0,
    bestStep: null,
    bestValNatsPerChar: null,
    lossCurve: [],
    ...(start.base === undefined ? {} : { base: start.base }),
    status: 'training',
  };
  const run = new TrainingRun(opts, {
    metadata,
    vocab,
    dataset,
    weights,
    adam: zeroAdamState(weights),
    rng,
    best: initial,
    evalsWithoutImprovement: 0,
    elapsedSeconds: 0,
    copies: CopyIndex.build(texts, DEFAULT_COPY_WINDOW),
  });
  try {
    await run.checkpoint(false);
    await run.storeCopyIndex();
  } catch (error) {
    run.dispose();
    throw error;
  }
  return run;
}

/** Continues a model from its latest checkpoint; the corpora must be the ones it was trained on. */
export async function resumeTrainingRun(
  resume: ResumeConfig,
  corpora: readonly CorpusInput[],
  opts: TrainingRunOptions,
): Promise<TrainingRun> {
  checkCorpora(corpora);
  const loaded = await opts.store.loadTraining(resume.modelId);
  const refs = corpora.map(corpusRef);
  const same =
    refs.length === loaded.metadata.corpora.length &&
    refs.every((r, i) => r.sha256 === loaded.metadata.corpora[i]?.sha256);
  if (!same)
    throw new AppError('E_CONFLICT', `the corpora differ from the ones model ${resume.modelId} was trained on`);
  const { metadata: stored, training } = loaded;
  const vocab = Vocab.fromCodePoints(loaded.codePoints);
  const dataset = CharDataset.fromTexts(
    corpora.map((c) => c.text),
    vocab,
    stored.optimizer.seqLen,
  );
  const specs = weightSpecs(stored.model, stored.vocabSize);
  const tensors = (values: readonly Float32Array[]): tf.Tensor[] =>
    specs.map((s, i) => tf.tensor(values[i] ?? new Float32Array(0), s.shape, 'float32'));
  const { files: _files, formatVersion: _version, ...metadata } = stored;
  const budget =
    resume.extend === undefined
      ? (resume.budget ?? metadata.training.budget)
      : extendedBudget(resume.extend, stored.step, dataset.stepsPerEpoch(stored.optimizer.batchSize), training.state);
  return new TrainingRun(opts, {
    metadata: {
      ...metadata,
      training: { ...metadata.training, budget },
      status: 'training',
      backend: opts.backend,
    },
    vocab,
    dataset,
    weights: tensors(training.weights),
    adam: { m: tensors(training.m), v: tensors(training.v), step: training.state.adamStep },
    rng: new Rng(training.state.rng),
    best: loaded.best,
    // Continuing a finished run (a larger budget) gives early stopping a fresh patience; a stopped run resumes exactly.
    evalsWithoutImprovement: stored.status === 'finished' ? 0 : training.state.evalsWithoutImprovement,
    elapsedSeconds: training.state.elapsedSeconds,
    copies: await loadOrBuildCopyIndex(opts.store.modelDir(stored.id), corpora, DEFAULT_COPY_WINDOW),
  });
}

/** `extend` counted on from a model at `step` after `elapsedSeconds` of training, as a budget from step 0. */
function extendedBudget(
  extend: TrainingBudget,
  step: number,
  stepsPerEpoch: number,
  { elapsedSeconds }: TrainerState,
): TrainingBudget {
  if (extend.kind === 'steps') return { kind: 'steps', steps: step + Math.floor(extend.steps) };
  if (extend.kind === 'epochs') return { kind: 'epochs', epochs: step / stepsPerEpoch + extend.epochs };
  return { kind: 'minutes', minutes: elapsedSeconds / 60 + extend.minutes };
}

/**
 * A training run: call start() once. Pause, resume and cancel take effect between steps; every evaluation,
 * pause and cancel writes a checkpoint, so a crashed run resumes from the last one exactly.
 */
export class TrainingRun {
  private paused = false;
  private cancelled = false;
  private wake: (() => void) | null = null;
  private recentLosses: number[] = [];
  private stepSeconds: number | null = null;
  private lastEvalStep: number;
  private lastCheckpointAt = performance.now();

  constructor(
    private readonly opts: TrainingRunOptions,
    private readonly s: RunState,
  ) {
    this.lastEvalStep = s.metadata.lossCurve.findLast((p) => p.valNatsPerChar !== undefined)?.step ?? -1;
  }

  get runId(): string {
    return this.opts.runId;
  }

  get modelId(): string {
    return this.s.metadata.id;
  }

  get step(): number {
    return this.s.metadata.step;
  }

  /** Renames the model being trained, so the next checkpoint keeps the new name. */
  setName(name: string): void {
    this.s.metadata.name = name;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  cancel(): void {
    this.cancelled = true;
    this.wake?.();
  }

  private emit(event: TrainingEvent): void {
    this.opts.onEvent(event);
  }

  private get totalSteps(): number | null {
    return totalSteps(
      this.s.metadata.training.budget,
      this.s.dataset.stepsPerEpoch(this.s.metadata.optimizer.batchSize),
    );
  }

  private budgetReached(): boolean {
    const budget = this.s.metadata.training.budget;
    if (budget.kind === 'minutes') return this.s.elapsedSeconds >= budget.minutes * 60;
    return this.step >= (this.totalSteps ?? 0);
  }

  /** Runs until the budget is spent, early stopping triggers, or cancel(); errors are emitted, not thrown. */
  async start(): Promise<void> {
    const { metadata } = this.s;
    this.emit({
      type: 'started',
      runId: this.runId,
      modelId: this.modelId,
      backend: this.opts.backend,
      step: this.step,
      totalSteps: this.totalSteps,
      vocabSize: metadata.vocabSize,
      trainChars: this.s.dataset.trainChars,
      valChars: this.s.dataset.valChars,
      parameters: metadata.parameters,
    });
    try {
      const reason = await this.loop();
      metadata.status = reason === 'cancelled' ? 'stopped' : 'finished';
      await this.checkpoint(false);
      this.emit({
        type: 'done',
        runId: this.runId,
        modelId: this.modelId,
        step: this.step,
        reason,
        bestValNatsPerChar: metadata.bestValNatsPerChar,
      });
    } catch (error) {
      this.emit({ type: 'error', runId: this.runId, error: toErrorInfo(error) });
    } finally {
      this.dispose();
    }
  }

  private async loop(): Promise<'budget' | 'early-stopped' | 'cancelled'> {
    const { metadata } = this.s;
    let lastProgress = 0;
    for (;;) {
      await yieldToEventLoop();
      await this.opts.beforeStep?.();
      if (this.paused && !this.cancelled) await this.waitWhilePaused();
      if (this.cancelled) return 'cancelled';
      if (this.budgetReached()) {
        if (this.lastEvalStep !== this.step && (await this.evaluate())) return 'early-stopped';
        return 'budget';
      }
      const started = performance.now();
      const loss = await this.trainStep(this.s.dataset.sampleBatch(this.s.rng, metadata.optimizer.batchSize));
      const seconds = (performance.now() - started) / 1000;
      this.s.elapsedSeconds += seconds;
      this.stepSeconds = this.stepSeconds === null ? seconds : 0.9 * this.stepSeconds + 0.1 * seconds;
      this.recordLoss(loss);
      const evalDue =
        this.step % metadata.training.evalEvery === 0 || (metadata.training.evalSteps?.includes(this.step) ?? false);
      // Every evaluation gets a train-loss point too, so the chart has both curves however fast the steps are.
      if (performance.now() - lastProgress >= PROGRESS_INTERVAL_MS || this.step === 1 || evalDue) {
        lastProgress = performance.now();
        this.emitProgress(loss);
      }
      if (evalDue && (await this.evaluate())) return 'early-stopped';
      if (!evalDue && performance.now() - this.lastCheckpointAt >= CHECKPOINT_INTERVAL_MS) await this.checkpoint(false);
    }
  }

  private async waitWhilePaused(): Promise<void> {
    await this.checkpoint(false);
    this.emit({ type: 'paused', runId: this.runId, step: this.step });
    while (this.paused && !this.cancelled) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = null;
    if (!this.cancelled) this.emit({ type: 'resumed', runId: this.runId, step: this.step });
  }

  private emitProgress(trainLoss: number): void {
    const { optimizer, training } = this.s.metadata;
    const total = this.totalSteps;
    const perStep = this.stepSeconds ?? 0;
    const eta =
      training.budget.kind === 'minutes'
        ? Math.max(0, training.budget.minutes * 60 - this.s.elapsedSeconds)
        : total === null
          ? null
          : Math.max(0, total - this.step) * perStep;
    this.emit({
      type: 'progress',
      runId: this.runId,
      step: this.step,
      totalSteps: total,
      epoch: this.step / this.s.dataset.stepsPerEpoch(optimizer.batchSize),
      trainLoss,
      charsPerSecond: perStep > 0 ? (optimizer.batchSize * optimizer.seqLen) / perStep : 0,
      etaSeconds: eta,
      elapsedSeconds: this.s.elapsedSeconds,
    });
  }

  private recordLoss(loss: number): void {
    this.recentLosses.push(loss);
    if (this.step % CURVE_EVERY === 0) {
      this.s.metadata.lossCurve.push({ step: this.step, trainLoss: this.meanRecentLoss() });
      this.recentLosses = [];
    }
  }

  private meanRecentLoss(): number {
    const list = this.recentLosses.length > 0 ? this.recentLosses : [this.s.metadata.lossCurve.at(-1)?.trainLoss ?? 0];
    return list.reduce((a, b) => a + b, 0) / list.length;
  }

  /** One Adam step on one batch; returns the batch's mean loss in nats/char. */
  private async trainStep(batch: Batch): Promise<number> {
    const { metadata } = this.s;
    const seeds = Array.from({ length: metadata.model.layers }, () => this.s.rng.nextUint32());
    const result = trainStep(this.s.weights, this.s.adam, batch, metadata.model, metadata.optimizer, seeds);
    this.s.weights = result.weights;
    this.s.adam = result.adam;
    metadata.step += 1;
    const loss = (await result.loss.data())[0] ?? NaN;
    result.loss.dispose();
    return loss;
  }

  /** Mean validation loss in nats/char over every validation window (no dropout). */
  async validationLoss(): Promise<number> {
    const w = unflattenWeights(this.s.weights);
    const batchSize = Math.max(64, this.s.metadata.optimizer.batchSize);
    let sum = 0;
    let count = 0;
    for (const batch of this.s.dataset.validationBatches(batchSize)) {
      const total = tf.tidy(() => {
        const inputs = tf.tensor2d(
          toTimeMajor(batch.inputs, batch.count, batch.length),
          [batch.length, batch.count],
          'int32',
        );
        const targets = tf.tensor1d(toTimeMajor(batch.targets, batch.count, batch.length), 'int32');
        return tf.mul(forwardLoss(w, inputs, targets, zeroState(w, batch.count)), batch.count * batch.length);
      });
      sum += (await total.data())[0] ?? NaN;
      total.dispose();
      count += batch.count * batch.length;
      await yieldToEventLoop();
    }
    return count > 0 ? sum / count : NaN;
  }

  /** Validates, samples, checkpoints; returns true when early stopping says to stop. */
  private async evaluate(): Promise<boolean> {
    const { metadata } = this.s;
    const started = performance.now();
    const val = await this.validationLoss();
    this.lastEvalStep = this.step;
    const isBest = metadata.bestValNatsPerChar === null || val < metadata.bestValNatsPerChar;
    if (isBest) {
      metadata.bestValNatsPerChar = val;
      metadata.bestStep = this.step;
      this.s.evalsWithoutImprovement = 0;
      this.s.best = await downloadAll(this.s.weights);
    } else {
      this.s.evalsWithoutImprovement += 1;
    }
    const previous = metadata.lossCurve.at(-1);
    if (previous?.step === this.step) previous.valNatsPerChar = val;
    else metadata.lossCurve.push({ step: this.step, trainLoss: this.meanRecentLoss(), valNatsPerChar: val });
    const samples = await this.samples();
    this.emit({
      type: 'evaluation',
      runId: this.runId,
      step: this.step,
      valNatsPerChar: val,
      valBitsPerChar: val / Math.LN2,
      isBest,
      samples,
      novelty: samples.length === 0 ? 1 : samples.reduce((sum, s) => sum + s.novelty, 0) / samples.length,
    });
    await this.checkpoint(isBest);
    this.s.elapsedSeconds += (performance.now() - started) / 1000;
    const { earlyStopping } = metadata.training;
    return earlyStopping.enabled && this.s.evalsWithoutImprovement >= earlyStopping.patience;
  }

  /** Writes the corpora's copy index into the model's folder, where every later checkpoint carries it along. */
  async storeCopyIndex(): Promise<void> {
    await writeFileAtomic(join(this.opts.store.modelDir(this.modelId), COPY_INDEX_FILE), this.s.copies.serialize());
  }

  private async samples(): Promise<{ temperature: number; text: string; novelty: number }[]> {
    const length = this.s.metadata.training.sampleLength;
    if (length <= 0) return [];
    const result = await sample(
      { weights: unflattenWeights(this.s.weights), vocab: this.s.vocab },
      {
        prime: '',
        primeChars: 0,
        temperatures: SAMPLE_TEMPERATURES,
        topK: 0,
        topP: 1,
        maxLength: length,
        stopStrings: [],
        seed: (this.s.metadata.training.seed + this.step) >>> 0,
      },
    );
    return SAMPLE_TEMPERATURES.map((temperature, i) => {
      const text = result.texts[i] ?? '';
      return { temperature, text, novelty: this.s.copies.novelty(text) };
    });
  }

  /** Writes the whole model directory atomically: best weights, latest weights, Adam moments, trainer state. */
  async checkpoint(isBest: boolean): Promise<void> {
    const { metadata } = this.s;
    metadata.updatedAt = new Date().toISOString();
    const [weights, m, v] = await Promise.all([
      downloadAll(this.s.weights),
      downloadAll(this.s.adam.m),
      downloadAll(this.s.adam.v),
    ]);
    await this.opts.store.save({
      metadata,
      codePoints: this.s.vocab.codePoints,
      best: this.s.best,
      training: {
        weights,
        m,
        v,
        state: {
          step: this.step,
          rng: this.s.rng.getState(),
          adamStep: this.s.adam.step,
          evalsWithoutImprovement: this.s.evalsWithoutImprovement,
          elapsedSeconds: this.s.elapsedSeconds,
        },
      },
    });
    this.lastCheckpointAt = performance.now();
    this.emit({ type: 'checkpoint', runId: this.runId, step: this.step, best: isBest });
  }

  /** Frees the run's tensors; start() does this itself when the run ends. */
  dispose(): void {
    tf.dispose(this.s.weights);
    disposeAdamState(this.s.adam);
    this.s.weights = [];
    this.s.adam = { m: [], v: [], step: this.s.adam.step };
  }
}
