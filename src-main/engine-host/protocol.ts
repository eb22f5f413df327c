/** The message envelope between EngineHost (main process) and the engine worker, derived from the Engine class. */
import type { ErrorInfo } from '../contract/errors.ts';
import type {
  Engine,
  EngineEvent,
  EngineMethod,
  EngineOptions,
  MethodName,
  RequestParams,
  RequestResult,
} from '../engine/engine.ts';
import type { BackendName } from '../engine/types.ts';

/** Answered by the worker itself, beside the engine's requests. */
export interface WorkerExtras {
  /** Throws an uncaught error inside the worker and never answers: exercises crash recovery in tests. */
  debugCrash(): Promise<never>;
  /** Allocates until the worker's heap limit (EngineHostOptions.resourceLimits) ends it: exercises OOM recovery. */
  debugExhaustMemory(): Promise<never>;
}

/** What the worker serves: every engine request and the worker's own. */
export type WorkerRequests = Pick<Engine, EngineMethod> & WorkerExtras;
export type WorkerMethod = MethodName<WorkerRequests>;
export type WorkerParams<M extends WorkerMethod> = RequestParams<WorkerRequests, M>;
export type WorkerResult<M extends WorkerMethod> = RequestResult<WorkerRequests, M>;

export type HostToWorker = {
  [M in WorkerMethod]: { kind: 'request'; id: number; method: M; params: WorkerParams<M> };
}[WorkerMethod];

export type WorkerToHost =
  | { kind: 'ready'; backend: BackendName }
  | { kind: 'fatal'; error: ErrorInfo }
  | { kind: 'response'; id: number; ok: true; value: unknown }
  | { kind: 'response'; id: number; ok: false; error: ErrorInfo }
  | EngineEvent;

/** The worker creates the engine with these (workerData) and posts its events to the host. */
export type WorkerOptions = Omit<EngineOptions, 'emit'>;
