/** The typed message protocol between EngineHost (main process) and the engine worker. */
import type { ErrorInfo } from '../contract/errors.ts';
import type { ModelList } from '../engine/engine.ts';
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

export type { ModelList };

export interface EngineWorkerStatus {
  backend: BackendName;
  activeModelId: string | null;
  trainingRunId: string | null;
}

/** Every request: its params and its result. */
export interface EngineMethods {
  getBackend: { params: undefined; result: BackendName };
  ping: { params: undefined; result: number };
  listModels: { params: undefined; result: ModelList };
  loadModel: { params: { modelId: string }; result: ModelSummary };
  status: { params: undefined; result: EngineWorkerStatus };
  startTraining: {
    params: { runId: string; config: TrainingConfig; corpora: CorpusInput[] };
    result: { runId: string; modelId: string };
  };
  continueTraining: {
    params: { runId: string; resume: ResumeConfig; corpora: CorpusInput[] };
    result: { runId: string; modelId: string };
  };
  pauseTraining: { params: { runId: string }; result: null };
  resumeTraining: { params: { runId: string }; result: null };
  cancelTraining: { params: { runId: string }; result: null };
  generate: { params: { runId: string; options: GenerationOptions }; result: { runId: string } };
  cancelGeneration: { params: { runId: string }; result: null };
  prepareGeneration: { params: { prime: string; primeChars?: number }; result: { primedChars: number } };
  deleteModel: { params: { modelId: string }; result: null };
  renameModel: { params: { modelId: string; name: string }; result: ModelSummary };
  /** Times a few training steps per preset; null when a training run interrupted it. */
  measureTrainingSpeed: { params: SpeedProbeSettings; result: TrainingSpeed | null };
  /** Throws an uncaught error inside the worker: exercises crash recovery in tests. */
  debugCrash: { params: undefined; result: null };
}

export type EngineMethod = keyof EngineMethods;
export type ParamsOf<M extends EngineMethod> = EngineMethods[M]['params'];
export type ResultOf<M extends EngineMethod> = EngineMethods[M]['result'];

export type HostToWorker = {
  [M in EngineMethod]: { kind: 'request'; id: number; method: M; params: ParamsOf<M> };
}[EngineMethod];

export type WorkerToHost =
  | { kind: 'ready'; backend: BackendName }
  | { kind: 'fatal'; error: ErrorInfo }
  | { kind: 'response'; id: number; ok: true; value: unknown }
  | { kind: 'response'; id: number; ok: false; error: ErrorInfo }
  | { kind: 'training'; event: TrainingEvent }
  | { kind: 'generation'; event: GenerationEvent };

export interface WorkerOptions {
  modelsDir: string;
  backendOrder?: BackendName[];
}
