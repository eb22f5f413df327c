import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorInfo } from '../contract/errors.ts';
import type { SpeedProbeSettings, TrainingSpeed } from '../engine/speed-probe.ts';
import type {
  BackendName,
  CorpusInput,
  GenerationEvent,
  GenerationOptions,
  ModelSummary,
  ResumeConfig,
  TrainingConfig,
  TrainingEvent,
} from '../engine/types.ts';
import type {
  EngineMethod,
  EngineWorkerStatus,
  HostToWorker,
  ModelList,
  ParamsOf,
  ResultOf,
  WorkerOptions,
  WorkerToHost,
} from './protocol.ts';

export interface EngineHostOptions {
  /** The built worker script (out/main/engine-worker.js in the app). */
  workerPath: string;
  modelsDir: string;
  backendOrder?: BackendName[];
  /** Restart the worker after a crash (default true); gives up after this many crashes within a minute. */
  maxRestartsPerMinute?: number;
  /** After giving up, the next request past this many milliseconds tries a fresh worker (default 10 s). */
  retryAfterMs?: number;
}

type Listener<T> = (value: T) => void;

class Listeners<T> {
  private readonly set = new Set<Listener<T>>();

  add(listener: Listener<T>): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  emit(value: T): void {
    for (const listener of [...this.set]) listener(value);
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: AppError) => void;
}

/**
 * Runs the engine in a worker thread and speaks the typed protocol to it. A crash fails in-flight requests and
 * runs with E_ENGINE_CRASHED, restarts the worker and reloads the active model; models on disk are untouched
 * because every write is atomic.
 */
export class EngineHost {
  private worker: Worker | null = null;
  private ready: Promise<BackendName> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly trainingRuns = new Set<string>();
  private readonly generationRuns = new Set<string>();
  private activeModelId: string | null = null;
  private stopping = false;
  private crashTimes: number[] = [];
  private backendName: BackendName | null = null;
  private readonly trainingListeners = new Listeners<TrainingEvent>();
  private readonly generationListeners = new Listeners<GenerationEvent>();
  private readonly crashListeners = new Listeners<ErrorInfo>();
  private readonly readyListeners = new Listeners<BackendName>();

  constructor(private readonly options: EngineHostOptions) {}

  /** Starts the worker; resolves with the active backend once the engine is ready. */
  start(): Promise<BackendName> {
    this.stopping = false;
    this.ready ??= this.spawn();
    return this.ready;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    this.worker = null;
    this.ready = null;
    if (worker !== null) await worker.terminate();
    this.failInFlight({ code: 'E_CANCELLED', message: 'the engine was stopped' });
  }

  get backend(): BackendName | null {
    return this.backendName;
  }

  onTraining(listener: Listener<TrainingEvent>): () => void {
    return this.trainingListeners.add(listener);
  }

  onGeneration(listener: Listener<GenerationEvent>): () => void {
    return this.generationListeners.add(listener);
  }

  /** Called with the E_ENGINE_CRASHED error each time the worker dies unexpectedly. */
  onCrash(listener: Listener<ErrorInfo>): () => void {
    return this.crashListeners.add(listener);
  }

  /** Called with the backend each time a worker (first or restarted) becomes ready. */
  onReady(listener: Listener<BackendName>): () => void {
    return this.readyListeners.add(listener);
  }

  private spawn(): Promise<BackendName> {
    const workerData: WorkerOptions = { modelsDir: this.options.modelsDir };
    if (this.options.backendOrder !== undefined) workerData.backendOrder = this.options.backendOrder;
    const worker = new Worker(this.options.workerPath, { workerData });
    this.worker = worker;
    return new Promise<BackendName>((resolve, reject) => {
      let started = false;
      worker.on('message', (message: WorkerToHost) => {
        if (message.kind === 'ready') {
          started = true;
          this.backendName = message.backend;
          resolve(message.backend);
          this.readyListeners.emit(message.backend);
        } else if (message.kind === 'fatal') {
          reject(new AppError(message.error.code, message.error.message));
        } else {
          this.dispatch(message);
        }
      });
      worker.on('error', (error) => {
        if (!started) reject(new AppError('E_ENGINE_CRASHED', `the engine failed to start: ${error.message}`));
      });
      worker.on('exit', (code) => {
        if (this.worker !== worker) return;
        if (!started) {
          reject(new AppError('E_ENGINE_CRASHED', `the engine exited with code ${code} while starting`));
          return;
        }
        this.handleCrash(`the engine stopped unexpectedly (exit code ${code})`);
      });
    });
  }

  private dispatch(message: Exclude<WorkerToHost, { kind: 'ready' } | { kind: 'fatal' }>): void {
    if (message.kind === 'response') {
      const pending = this.pending.get(message.id);
      if (pending === undefined) return;
      this.pending.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new AppError(message.error.code, message.error.message));
    } else if (message.kind === 'training') {
      const { event } = message;
      if (event.type === 'done' || event.type === 'error') this.trainingRuns.delete(event.runId);
      this.trainingListeners.emit(event);
    } else {
      const { event } = message;
      if (event.type === 'done' || event.type === 'error') this.generationRuns.delete(event.runId);
      this.generationListeners.emit(event);
    }
  }

  private failInFlight(error: ErrorInfo): void {
    for (const pending of this.pending.values()) pending.reject(new AppError(error.code, error.message));
    this.pending.clear();
    for (const runId of this.trainingRuns) this.trainingListeners.emit({ type: 'error', runId, error });
    for (const runId of this.generationRuns) this.generationListeners.emit({ type: 'error', runId, error });
    this.trainingRuns.clear();
    this.generationRuns.clear();
  }

  private handleCrash(detail: string): void {
    const error: ErrorInfo = { code: 'E_ENGINE_CRASHED', message: detail };
    this.worker = null;
    this.ready = null;
    this.failInFlight(error);
    this.crashListeners.emit(error);
    if (this.stopping) return;
    const now = Date.now();
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < 60_000), now];
    if (this.crashTimes.length > (this.options.maxRestartsPerMinute ?? 3)) return;
    const restoreModel = this.activeModelId;
    this.ready = this.spawn();
    this.ready
      .then(async () => {
        if (restoreModel !== null) await this.request('loadModel', { modelId: restoreModel });
      })
      .catch(() => {
        // A model that no longer loads is reported on the next request that needs it.
        this.activeModelId = null;
      });
  }

  /** The running worker, or a fresh one when restarts were given up long enough ago or a start failed. */
  private ensureRunning(): Promise<BackendName> {
    if (this.ready !== null) return this.ready;
    const lastCrash = this.crashTimes.at(-1);
    const waited = lastCrash === undefined || Date.now() - lastCrash >= (this.options.retryAfterMs ?? 10_000);
    if (this.stopping || !waited)
      throw new AppError('E_ENGINE_CRASHED', 'the engine is not running; try again shortly');
    const ready = this.spawn();
    this.ready = ready;
    ready.catch(() => {
      if (this.ready === ready) this.ready = null;
    });
    return ready;
  }

  private async request<M extends EngineMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    await this.ensureRunning();
    const worker = this.worker;
    if (worker === null) throw new AppError('E_ENGINE_CRASHED', 'the engine is not running');
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ kind: 'request', id, method, params } as HostToWorker);
    });
  }

  getBackend(): Promise<BackendName> {
    return this.request('getBackend', undefined);
  }

  /** A trivial round trip (the worker's clock): measures how responsive the engine is. */
  ping(): Promise<number> {
    return this.request('ping', undefined);
  }

  status(): Promise<EngineWorkerStatus> {
    return this.request('status', undefined);
  }

  listModels(): Promise<ModelList> {
    return this.request('listModels', undefined);
  }

  async loadModel(modelId: string): Promise<ModelSummary> {
    const summary = await this.request('loadModel', { modelId });
    this.activeModelId = modelId;
    return summary;
  }

  /** The same as loadModel: the loaded model is the one generation uses. */
  setActive(modelId: string): Promise<ModelSummary> {
    return this.loadModel(modelId);
  }

  /** Events of the run carry its id; pass one to subscribe before the call (otherwise the reply comes first). */
  async startTraining(
    config: TrainingConfig,
    corpora: CorpusInput[],
    runId: string = randomUUID(),
  ): Promise<{ runId: string; modelId: string }> {
    this.trainingRuns.add(runId);
    try {
      return await this.request('startTraining', { runId, config, corpora });
    } catch (error) {
      this.trainingRuns.delete(runId);
      throw error;
    }
  }

  /** Continues a saved model from its latest checkpoint (after a cancel, a crash or to extend its budget). */
  async continueTraining(
    resume: ResumeConfig,
    corpora: CorpusInput[],
    runId: string = randomUUID(),
  ): Promise<{ runId: string; modelId: string }> {
    this.trainingRuns.add(runId);
    try {
      return await this.request('continueTraining', { runId, resume, corpora });
    } catch (error) {
      this.trainingRuns.delete(runId);
      throw error;
    }
  }

  async pauseTraining(runId: string): Promise<void> {
    await this.request('pauseTraining', { runId });
  }

  async resumeTraining(runId: string): Promise<void> {
    await this.request('resumeTraining', { runId });
  }

  async cancelTraining(runId: string): Promise<void> {
    await this.request('cancelTraining', { runId });
  }

  async generate(options: GenerationOptions, runId: string = randomUUID()): Promise<{ runId: string }> {
    this.generationRuns.add(runId);
    try {
      const result = await this.request('generate', { runId, options });
      if (options.modelId !== undefined) this.activeModelId = options.modelId;
      return result;
    } catch (error) {
      this.generationRuns.delete(runId);
      throw error;
    }
  }

  /** Times training steps of each preset in the worker (null when a training run interrupted it). */
  measureTrainingSpeed(options: SpeedProbeSettings = {}): Promise<TrainingSpeed | null> {
    return this.request('measureTrainingSpeed', options);
  }

  /** Primes the active model with the text before the cursor ahead of time (call when the writer pauses). */
  prepareGeneration(prime: string, primeChars?: number): Promise<{ primedChars: number }> {
    return this.request('prepareGeneration', primeChars === undefined ? { prime } : { prime, primeChars });
  }

  async cancelGeneration(runId: string): Promise<void> {
    await this.request('cancelGeneration', { runId });
  }

  async deleteModel(modelId: string): Promise<void> {
    await this.request('deleteModel', { modelId });
    if (this.activeModelId === modelId) this.activeModelId = null;
  }

  renameModel(modelId: string, name: string): Promise<ModelSummary> {
    return this.request('renameModel', { modelId, name });
  }

  /** Makes the worker throw an uncaught error (tests of crash recovery). */
  async debugCrash(): Promise<void> {
    await this.request('debugCrash', undefined);
  }
}
