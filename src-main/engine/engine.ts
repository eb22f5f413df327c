import { AppError, toErrorInfo, type ErrorInfo } from '../contract/errors.ts';
import { generationSchema } from '../contract/generation.ts';
import { DEFAULT_COPY_WINDOW, type CopyIndex } from './copy-index.ts';
import { loadOrBuildCopyIndex } from './copy-index-store.ts';
import { initBackend } from './backend.ts';
import { disposeWeights, weightsFromValues, type CharLstmWeights } from './model.ts';
import { ModelStore, summaryOf } from './model-store.ts';
import { DEFAULT_PRIME_CHARS, PrimeCache, primeWindow, sample, sampleRequestFrom, warmPrime } from './sampler.ts';
import { measureTrainingSpeed, type SpeedProbeSettings, type TrainingSpeed } from './speed-probe.ts';
import { createTrainingRun, resumeTrainingRun, type TrainingRun, type TrainingRunOptions } from './trainer.ts';
import type {
  BackendName,
  CopyReport,
  CorpusInput,
  GenerationEvent,
  GenerationOptions,
  ModelSummary,
  ResumeConfig,
  TrainingConfig,
  TrainingEvent,
} from './types.ts';
import { Vocab } from './vocab.ts';

/** Everything the engine reports between requests, through the one sink it was created with. */
export type EngineEvent = { kind: 'training'; event: TrainingEvent } | { kind: 'generation'; event: GenerationEvent };

export interface EngineOptions {
  modelsDir: string;
  backendOrder?: readonly BackendName[];
  emit: (event: EngineEvent) => void;
}

export interface EngineState {
  backend: BackendName;
  activeModelId: string | null;
  trainingRunId: string | null;
}

export interface ModelList {
  models: ModelSummary[];
  damaged: ({ id: string } & ErrorInfo)[];
}

interface LoadedModel {
  summary: ModelSummary;
  weights: CharLstmWeights;
  vocab: Vocab;
  primeCache: PrimeCache;
  /** Generations using these tensors; they are disposed only when none is. */
  users: number;
  retired: boolean;
  /** Marks and avoids verbatim copies of the model's corpora; null until `indexCorpora` gives it the texts. */
  copyIndex: CopyIndex | null;
}

/** The verbatim spans of a draft and its novelty, or null when the model's corpora are not indexed. */
function copyReport(index: CopyIndex | null, text: string): CopyReport | null {
  if (index === null) return null;
  const spans = index.markSpans(text);
  return { spans, novelty: index.novelty(text, spans), windowChars: index.windowChars };
}

/** The contract's own schema: a caller inside main (a test, the bench) gets the answer a renderer would. */
function parseGenerationOptions(opts: GenerationOptions): GenerationOptions {
  const parsed = generationSchema.safeParse(opts);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => issue.path.join('.') || 'options').join(', ');
  throw new AppError('E_INVALID_INPUT', `invalid generation options: ${fields}`);
}

/** The engine's whole API in one process: one training run at a time, generations with the active model. */
export class Engine {
  private training: TrainingRun | null = null;
  private active: LoadedModel | null = null;
  private readonly generations = new Map<string, AbortController>();
  private generationsIdle: { promise: Promise<void>; resolve: () => void } | null = null;

  private constructor(
    readonly backend: BackendName,
    readonly store: ModelStore,
    private readonly emit: (event: EngineEvent) => void,
  ) {}

  static async create(opts: EngineOptions): Promise<Engine> {
    const backend = await initBackend(opts.backendOrder);
    const store = new ModelStore(opts.modelsDir);
    await store.open();
    return new Engine(backend, store, opts.emit);
  }

  getBackend(): BackendName {
    return this.backend;
  }

  /** A trivial round trip (the engine thread's clock): measures how responsive the engine is. */
  ping(): number {
    return Date.now();
  }

  status(): EngineState {
    return { backend: this.backend, activeModelId: this.activeModelId, trainingRunId: this.trainingRunId };
  }

  async listModels(): Promise<ModelList> {
    const list = await this.store.list();
    // A model left 'training' on disk by a crash is stopped (and resumable) unless this engine is training it.
    const models = list.models.map((m) =>
      m.status === 'training' && m.id !== this.training?.modelId ? { ...m, status: 'stopped' as const } : m,
    );
    return { models, damaged: list.damaged };
  }

  get trainingRunId(): string | null {
    return this.training?.runId ?? null;
  }

  get activeModelId(): string | null {
    return this.active?.summary.id ?? null;
  }

  /** Loads (validating every file) and makes it the model generation uses. */
  async loadModel({ modelId }: { modelId: string }): Promise<ModelSummary> {
    const loaded = await this.store.load(modelId);
    const weights = weightsFromValues(loaded.metadata.model, loaded.metadata.vocabSize, loaded.best);
    this.retireActive();
    this.active = {
      summary: summaryOf(loaded.metadata),
      weights,
      vocab: Vocab.fromCodePoints(loaded.codePoints),
      primeCache: new PrimeCache(),
      users: 0,
      retired: false,
      copyIndex: null,
    };
    return this.active.summary;
  }

  private retireActive(): void {
    const previous = this.active;
    this.active = null;
    if (previous === null) return;
    previous.retired = true;
    if (previous.users === 0) this.disposeModel(previous);
  }

  private disposeModel(model: LoadedModel): void {
    model.primeCache.dispose();
    disposeWeights(model.weights);
  }

  /** True from the moment a run is requested until it is launched or fails: the slot is taken before any await. */
  private startingRun = false;

  private checkIdle(): void {
    if (this.training !== null || this.startingRun) {
      throw new AppError('E_ENGINE_BUSY', 'a training run is already in progress');
    }
  }

  private async reserveRun(create: () => Promise<TrainingRun>): Promise<{ runId: string; modelId: string }> {
    this.checkIdle();
    this.startingRun = true;
    try {
      return this.launch(await create());
    } finally {
      this.startingRun = false;
    }
  }

  /**
   * Starts a run and returns once it is set up; its progress arrives as training events carrying `runId`.
   * `startFrom` fine-tunes a copy of that saved model (its best weights) instead of starting from random weights.
   */
  async startTraining({
    runId,
    config,
    corpora,
    startFrom,
  }: {
    runId: string;
    config: TrainingConfig;
    corpora: readonly CorpusInput[];
    startFrom?: string;
  }): Promise<{ runId: string; modelId: string }> {
    return this.reserveRun(() => createTrainingRun(config, corpora, this.runOptions(runId), startFrom));
  }

  /** Continues a saved model from its latest checkpoint (after a cancel, a crash or to extend its budget). */
  async continueTraining({
    runId,
    resume,
    corpora,
  }: {
    runId: string;
    resume: ResumeConfig;
    corpora: readonly CorpusInput[];
  }): Promise<{ runId: string; modelId: string }> {
    if (this.training?.modelId === resume.modelId) throw new AppError('E_ENGINE_BUSY', 'this model is training now');
    return this.reserveRun(() => resumeTrainingRun(resume, corpora, this.runOptions(runId)));
  }

  private runOptions(runId: string): TrainingRunOptions {
    const onEvent = (event: TrainingEvent): void => this.emit({ kind: 'training', event });
    // Generation is interactive: a training step (up to seconds) waits until no generation is running.
    return { runId, store: this.store, backend: this.backend, onEvent, beforeStep: () => this.generationsDone() };
  }

  /** Resolves once no generation is running. */
  private async generationsDone(): Promise<void> {
    while (this.generationsIdle !== null) await this.generationsIdle.promise;
  }

  private generationStarted(runId: string, controller: AbortController): void {
    this.generations.set(runId, controller);
    if (this.generationsIdle === null) {
      let resolve = (): void => {};
      const promise = new Promise<void>((r) => (resolve = r));
      this.generationsIdle = { promise, resolve };
    }
  }

  private generationEnded(runId: string): void {
    this.generations.delete(runId);
    if (this.generations.size === 0 && this.generationsIdle !== null) {
      this.generationsIdle.resolve();
      this.generationsIdle = null;
    }
  }

  private launch(run: TrainingRun): { runId: string; modelId: string } {
    this.training = run;
    // Started on the next turn so the caller's reply (with the run id) goes out before the run's first event;
    // the run reports its own errors as events, the promise only tells us it is over.
    setImmediate(() => {
      void run.start().finally(() => {
        if (this.training === run) this.training = null;
      });
    });
    return { runId: run.runId, modelId: run.modelId };
  }

  private trainingRun(runId: string): TrainingRun {
    if (this.training?.runId !== runId) throw new AppError('E_NOT_FOUND', `no training run ${runId}`);
    return this.training;
  }

  pauseTraining({ runId }: { runId: string }): void {
    this.trainingRun(runId).pause();
  }

  resumeTraining({ runId }: { runId: string }): void {
    this.trainingRun(runId).resume();
  }

  cancelTraining({ runId }: { runId: string }): void {
    this.trainingRun(runId).cancel();
  }

  /** Times training steps of each preset (see speed-probe.ts); a training run that starts meanwhile abandons it. */
  async measureTrainingSpeed(options: SpeedProbeSettings = {}): Promise<TrainingSpeed | null> {
    this.checkIdle();
    return measureTrainingSpeed({
      ...options,
      shouldStop: () => this.training !== null || this.startingRun,
      beforeStep: () => this.generationsDone(),
    });
  }

  /** Starts a generation and returns once it is running; its output arrives as generation events carrying `runId`. */
  async generate({ runId, options }: { runId: string; options: GenerationOptions }): Promise<{ runId: string }> {
    const onEvent = (event: GenerationEvent): void => this.emit({ kind: 'generation', event });
    const opts = parseGenerationOptions(options);
    if (opts.modelId !== undefined && opts.modelId !== this.activeModelId)
      await this.loadModel({ modelId: opts.modelId });
    const model = this.active;
    if (model === null) throw new AppError('E_NO_ACTIVE_MODEL', 'load a model before generating');
    const request = sampleRequestFrom(opts);
    if (request.form !== undefined && request.form.mode !== 'continue' && model.vocab.indexOf('\n') === undefined)
      throw new AppError('E_INVALID_INPUT', 'This model never saw a line break, so it can only continue the line.');
    const copies = model.copyIndex;
    if (copies !== null && opts.avoidCopies !== false) request.copyGuard = (context) => copies.matcher(context);
    const controller = new AbortController();
    this.generationStarted(runId, controller);
    model.users += 1;
    const alternatives = request.temperatures.length;
    const unknown = model.vocab.encode(primeWindow(opts.prime, request.primeChars)).unknown;
    // As with training: the reply with the run id goes out before the first event.
    setImmediate(() => {
      onEvent({ type: 'started', runId, alternatives, unknownPrimeChars: unknown });
      void sample(model, request, {
        signal: controller.signal,
        primeCache: model.primeCache,
        onChunk: (deltas) => onEvent({ type: 'chunk', runId, deltas }),
      })
        .then((result) =>
          onEvent({
            type: 'done',
            runId,
            texts: result.texts,
            reasons: result.reasons,
            copies: result.texts.map((text) => copyReport(copies, text)),
            timeToFirstCharMs: result.timeToFirstCharMs,
            charsPerSecond: result.charsPerSecond,
          }),
        )
        .catch((error: unknown) => onEvent({ type: 'error', runId, error: toErrorInfo(error) }))
        .finally(() => {
          this.generationEnded(runId);
          model.users -= 1;
          if (model.retired && model.users === 0) this.disposeModel(model);
        });
    });
    return { runId };
  }

  /**
   * Gives the active model the texts it was trained on, for its copy index (loaded from the model's folder when it
   * still fits them, else built and stored there). Corpora the writer has since deleted are simply left out.
   */
  async indexCorpora({ modelId, corpora }: { modelId: string; corpora: CorpusInput[] }): Promise<{ indexed: boolean }> {
    const model = this.active;
    if (model === null || model.summary.id !== modelId || corpora.length === 0) return { indexed: false };
    model.copyIndex = await loadOrBuildCopyIndex(this.store.modelDir(modelId), corpora, DEFAULT_COPY_WINDOW);
    return { indexed: true };
  }

  /** Primes the active model with the text before the cursor now, so the next generation there starts at once. */
  prepareGeneration({ prime, primeChars = DEFAULT_PRIME_CHARS }: { prime: string; primeChars?: number }): {
    primedChars: number;
  } {
    const model = this.active;
    if (model === null) throw new AppError('E_NO_ACTIVE_MODEL', 'load a model before generating');
    return { primedChars: warmPrime(model, prime, primeChars, model.primeCache) };
  }

  cancelGeneration({ runId }: { runId: string }): void {
    const controller = this.generations.get(runId);
    if (controller === undefined) throw new AppError('E_NOT_FOUND', `no generation ${runId}`);
    controller.abort();
  }

  async deleteModel({ modelId }: { modelId: string }): Promise<void> {
    if (this.training?.modelId === modelId)
      throw new AppError('E_ENGINE_BUSY', 'stop training this model before deleting it');
    if (this.activeModelId === modelId) this.retireActive();
    await this.store.delete(modelId);
  }

  async renameModel({ modelId, name }: { modelId: string; name: string }): Promise<ModelSummary> {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 200)
      throw new AppError('E_INVALID_INPUT', 'a model name needs 1 to 200 characters');
    if (this.training?.modelId === modelId) {
      // The run rewrites the directory at every checkpoint, so it carries the name rather than racing it.
      this.training.setName(trimmed);
      return { ...summaryOf(await this.store.readMetadata(modelId)), name: trimmed };
    }
    const summary = await this.store.rename(modelId, trimmed);
    if (this.active?.summary.id === modelId) this.active.summary = summary;
    return summary;
  }
}

/** The public methods of `S` (for the engine, every one is a request), their params object and awaited result. */
export type MethodName<S> = { [K in keyof S]-?: S[K] extends (...args: never[]) => unknown ? K : never }[keyof S];
export type RequestParams<S, M extends MethodName<S>> = S[M] extends (...args: infer A) => unknown ? A[0] : never;
export type RequestResult<S, M extends MethodName<S>> = S[M] extends (...args: never[]) => infer R ? Awaited<R> : never;

export type EngineMethod = MethodName<Engine>;
/** Undefined for a request that takes no params. */
export type ParamsOf<M extends EngineMethod> = RequestParams<Engine, M>;
export type ResultOf<M extends EngineMethod> = RequestResult<Engine, M>;

/** Requests cross a thread: each takes at most one (structured-cloneable) params object. */
type OneParamsObject<M extends EngineMethod> =
  Parameters<Engine[M]> extends [] | [object] | [object?] ? true : 'a request takes at most one params object';

/**
 * Every request the engine answers; the host's client and the worker's dispatch are derived from it. A public
 * method missing here, or a name that is not one, is a compile error. A new request: its contract entry, its
 * handler (ipc/engine.ts and EngineService), and its Engine method with its name here.
 */
const REQUESTS = {
  getBackend: true,
  ping: true,
  status: true,
  listModels: true,
  loadModel: true,
  startTraining: true,
  continueTraining: true,
  pauseTraining: true,
  resumeTraining: true,
  cancelTraining: true,
  measureTrainingSpeed: true,
  generate: true,
  indexCorpora: true,
  prepareGeneration: true,
  cancelGeneration: true,
  deleteModel: true,
  renameModel: true,
} as const satisfies { [M in EngineMethod]: OneParamsObject<M> };

export const ENGINE_METHODS: readonly EngineMethod[] = Object.keys(REQUESTS) as EngineMethod[];
