import { Worker, type ResourceLimits } from 'node:worker_threads';
import { AppError, type ErrorInfo } from '../contract/errors.ts';
import { ENGINE_METHODS, type Engine, type EngineMethod, type ResultOf } from '../engine/engine.ts';
import type { BackendName, GenerationEvent, TrainingEvent } from '../engine/types.ts';
import type {
  HostToWorker,
  WorkerMethod,
  WorkerOptions,
  WorkerParams,
  WorkerResult,
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
  /** Heap limits of the worker (a runaway allocation then ends the worker, not the app). */
  resourceLimits?: ResourceLimits;
}

/** Every engine request as a method that sends it to the worker: the Engine class's API, made asynchronous. */
export type EngineClient = { [M in EngineMethod]: (...params: Parameters<Engine[M]>) => Promise<ResultOf<M>> };

/** Builds the client from the names list (VS Code's ProxyChannel.toService, without a Proxy). */
function clientOf(request: (method: EngineMethod, params: unknown) => Promise<unknown>): EngineClient {
  const methods = ENGINE_METHODS.map((method) => [method, (params?: unknown) => request(method, params)]);
  return Object.fromEntries(methods) as EngineClient;
}

type Listener<T> = (value: T) => void;

class Listeners<T> {
  readonly #set = new Set<Listener<T>>();

  add(listener: Listener<T>): () => void {
    this.#set.add(listener);
    return () => this.#set.delete(listener);
  }

  emit(value: T): void {
    for (const listener of [...this.#set]) listener(value);
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
  /** The engine's requests; a run's events carry its runId, so subscribe before starting one. */
  readonly engine: EngineClient = clientOf((method, params) => this.#request(method, params as never));

  readonly #options: EngineHostOptions;
  #worker: Worker | null = null;
  #ready: Promise<BackendName> | null = null;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  /** Runs started and not yet ended: a crash ends each with an E_ENGINE_CRASHED event. */
  readonly #trainingRuns = new Set<string>();
  readonly #generationRuns = new Set<string>();
  /** The model the worker holds, loaded again after a crash. */
  #activeModelId: string | null = null;
  #stopping = false;
  #crashTimes: number[] = [];
  #backendName: BackendName | null = null;
  readonly #trainingListeners = new Listeners<TrainingEvent>();
  readonly #generationListeners = new Listeners<GenerationEvent>();
  readonly #crashListeners = new Listeners<ErrorInfo>();
  readonly #readyListeners = new Listeners<BackendName>();

  constructor(options: EngineHostOptions) {
    this.#options = options;
  }

  /** Starts the worker; resolves with the active backend once the engine is ready. */
  start(): Promise<BackendName> {
    this.#stopping = false;
    this.#ready ??= this.#spawn();
    return this.#ready;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    const worker = this.#worker;
    this.#worker = null;
    this.#ready = null;
    if (worker !== null) await worker.terminate();
    this.#failInFlight({ code: 'E_CANCELLED', message: 'the engine was stopped' });
  }

  get backend(): BackendName | null {
    return this.#backendName;
  }

  onTraining(listener: Listener<TrainingEvent>): () => void {
    return this.#trainingListeners.add(listener);
  }

  onGeneration(listener: Listener<GenerationEvent>): () => void {
    return this.#generationListeners.add(listener);
  }

  /** Called with the E_ENGINE_CRASHED error each time the worker dies unexpectedly. */
  onCrash(listener: Listener<ErrorInfo>): () => void {
    return this.#crashListeners.add(listener);
  }

  /** Called with the backend each time a worker (first or restarted) becomes ready. */
  onReady(listener: Listener<BackendName>): () => void {
    return this.#readyListeners.add(listener);
  }

  /** Makes the worker throw an uncaught error (tests of crash recovery). */
  debugCrash(): Promise<never> {
    return this.#request('debugCrash', undefined);
  }

  /** Makes the worker allocate until its heap limit ends it (tests of out-of-memory recovery). */
  debugExhaustMemory(): Promise<never> {
    return this.#request('debugExhaustMemory', undefined);
  }

  #spawn(): Promise<BackendName> {
    const workerData: WorkerOptions = { modelsDir: this.#options.modelsDir };
    if (this.#options.backendOrder !== undefined) workerData.backendOrder = this.#options.backendOrder;
    const { resourceLimits } = this.#options;
    const worker = new Worker(this.#options.workerPath, { workerData, ...(resourceLimits ? { resourceLimits } : {}) });
    let failure = '';
    this.#worker = worker;
    return new Promise<BackendName>((resolve, reject) => {
      let started = false;
      worker.on('message', (message: WorkerToHost) => {
        if (message.kind === 'ready') {
          started = true;
          this.#backendName = message.backend;
          resolve(message.backend);
          this.#readyListeners.emit(message.backend);
        } else if (message.kind === 'fatal') {
          reject(new AppError(message.error.code, message.error.message));
        } else {
          this.#dispatch(message);
        }
      });
      worker.on('error', (error) => {
        failure = `: ${error.message}`;
        if (!started) reject(new AppError('E_ENGINE_CRASHED', `the engine failed to start: ${error.message}`));
      });
      worker.on('exit', (code) => {
        if (this.#worker !== worker) return;
        if (!started) {
          reject(new AppError('E_ENGINE_CRASHED', `the engine exited with code ${code} while starting`));
          return;
        }
        this.#handleCrash(`the engine stopped unexpectedly (exit code ${code})${failure}`);
      });
    });
  }

  #dispatch(message: Exclude<WorkerToHost, { kind: 'ready' } | { kind: 'fatal' }>): void {
    if (message.kind === 'response') {
      const pending = this.#pending.get(message.id);
      if (pending === undefined) return;
      this.#pending.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new AppError(message.error.code, message.error.message));
    } else if (message.kind === 'training') {
      const { event } = message;
      if (event.type === 'done' || event.type === 'error') this.#trainingRuns.delete(event.runId);
      this.#trainingListeners.emit(event);
    } else {
      const { event } = message;
      if (event.type === 'done' || event.type === 'error') this.#generationRuns.delete(event.runId);
      this.#generationListeners.emit(event);
    }
  }

  #failInFlight(error: ErrorInfo): void {
    for (const pending of this.#pending.values()) pending.reject(new AppError(error.code, error.message));
    this.#pending.clear();
    for (const runId of this.#trainingRuns) this.#trainingListeners.emit({ type: 'error', runId, error });
    for (const runId of this.#generationRuns) this.#generationListeners.emit({ type: 'error', runId, error });
    this.#trainingRuns.clear();
    this.#generationRuns.clear();
  }

  #handleCrash(detail: string): void {
    const error: ErrorInfo = { code: 'E_ENGINE_CRASHED', message: detail };
    this.#worker = null;
    this.#ready = null;
    this.#failInFlight(error);
    this.#crashListeners.emit(error);
    if (this.#stopping) return;
    const now = Date.now();
    this.#crashTimes = [...this.#crashTimes.filter((t) => now - t < 60_000), now];
    if (this.#crashTimes.length > (this.#options.maxRestartsPerMinute ?? 3)) return;
    const restoreModel = this.#activeModelId;
    this.#ready = this.#spawn();
    this.#ready
      .then(async () => {
        if (restoreModel !== null) await this.#request('loadModel', { modelId: restoreModel });
      })
      .catch(() => {
        // A model that no longer loads is reported on the next request that needs it.
        this.#activeModelId = null;
      });
  }

  /** The running worker, or a fresh one when restarts were given up long enough ago or a start failed. */
  #ensureRunning(): Promise<BackendName> {
    if (this.#ready !== null) return this.#ready;
    const lastCrash = this.#crashTimes.at(-1);
    const waited = lastCrash === undefined || Date.now() - lastCrash >= (this.#options.retryAfterMs ?? 10_000);
    if (this.#stopping || !waited)
      throw new AppError('E_ENGINE_CRASHED', 'the engine is not running; try again shortly');
    const ready = this.#spawn();
    this.#ready = ready;
    ready.catch(() => {
      if (this.#ready === ready) this.#ready = null;
    });
    return ready;
  }

  /** Every request goes through here: the run and active-model bookkeeping that crash recovery needs is kept once. */
  async #request<M extends WorkerMethod>(method: M, params: WorkerParams<M>): Promise<WorkerResult<M>> {
    const message = { kind: 'request', id: this.#nextId++, method, params } as HostToWorker;
    const run = this.#runStartedBy(message);
    run?.runs.add(run.runId);
    try {
      const value = await this.#send(message);
      this.#trackActiveModel(message);
      return value as WorkerResult<M>;
    } catch (error) {
      run?.runs.delete(run.runId);
      throw error;
    }
  }

  async #send(message: HostToWorker): Promise<unknown> {
    await this.#ensureRunning();
    const worker = this.#worker;
    if (worker === null) throw new AppError('E_ENGINE_CRASHED', 'the engine is not running');
    return new Promise((resolve, reject) => {
      this.#pending.set(message.id, { resolve, reject });
      worker.postMessage(message);
    });
  }

  /** The run a request starts: it is in flight from before the request until its last event. */
  #runStartedBy(message: HostToWorker): { runs: Set<string>; runId: string } | null {
    switch (message.method) {
      case 'startTraining':
      case 'continueTraining':
        return { runs: this.#trainingRuns, runId: message.params.runId };
      case 'generate':
        return { runs: this.#generationRuns, runId: message.params.runId };
      default:
        return null;
    }
  }

  /** After a request succeeded: which model the worker now holds. */
  #trackActiveModel(message: HostToWorker): void {
    if (message.method === 'loadModel') this.#activeModelId = message.params.modelId;
    else if (message.method === 'generate' && message.params.options.modelId !== undefined)
      this.#activeModelId = message.params.options.modelId;
    else if (message.method === 'deleteModel' && this.#activeModelId === message.params.modelId)
      this.#activeModelId = null;
  }
}
