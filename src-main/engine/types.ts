/** Plain, serialisable engine types shared by the engine, its host and the IPC contract (no tfjs imports here). */
import type { ErrorInfo } from '../contract/errors.ts';
import type { GenerationOptions } from '../contract/generation.ts';
import type { BackendName, PresetName, TrainingBudget } from '../contract/vocabulary.ts';

export { BACKEND_NAMES } from '../contract/vocabulary.ts';
export type { BackendName, GenerationOptions, PresetName, TrainingBudget };

export interface ModelHyperparams {
  embeddingSize: number;
  units: number;
  layers: number;
  dropout: number;
}

export interface OptimizerHyperparams {
  learningRate: number;
  clipNorm: number;
  seqLen: number;
  batchSize: number;
  /** Steps over which the learning rate rises linearly from lr/warmupSteps to lr (0 or absent: none). */
  warmupSteps?: number;
  /** Steps during which the LSTM layers stay frozen and only the embedding and output layer learn. */
  freezeSteps?: number;
}

export interface EarlyStopping {
  enabled: boolean;
  /** Evaluations in a row without a new best validation loss before training stops. */
  patience: number;
}

export interface TrainingConfig {
  name: string;
  preset: PresetName;
  /** Overrides of the preset's fields. */
  model?: Partial<ModelHyperparams>;
  optimizer?: Partial<OptimizerHyperparams>;
  budget: TrainingBudget;
  /** Steps between validations (and checkpoints). */
  evalEvery: number;
  /** Extra steps to validate at (e.g. to compare with a reference curve). */
  evalSteps?: number[];
  earlyStopping: EarlyStopping;
  seed: number;
  /** Characters per sample shown at each evaluation. */
  sampleLength: number;
}

export interface ResumeConfig {
  modelId: string;
  /** A new budget counted from step 0 of the run (so a larger `steps` extends it); defaults to the original one. */
  budget?: TrainingBudget;
  /** A budget counted from where the model stands (`steps: 20` trains 20 more); wins over `budget`. */
  extend?: TrainingBudget;
}

export interface CorpusInput {
  id: string;
  name: string;
  text: string;
}

export interface CorpusRef {
  id: string;
  name: string;
  sha256: string;
  chars: number;
}

/** The model a fine-tune started from, and everything that model had learned from. */
export interface ModelLineage {
  id: string;
  name: string;
  step: number;
  bestValNatsPerChar: number | null;
  /** The base's corpora, and its own base's before them. */
  corpora: CorpusRef[];
}

export interface LossPoint {
  step: number;
  trainLoss: number;
  valNatsPerChar?: number;
}

export type TrainingEvent =
  | {
      type: 'started';
      runId: string;
      modelId: string;
      backend: BackendName;
      step: number;
      totalSteps: number | null;
      vocabSize: number;
      trainChars: number;
      valChars: number;
      parameters: number;
    }
  | {
      type: 'progress';
      runId: string;
      step: number;
      totalSteps: number | null;
      epoch: number;
      trainLoss: number;
      charsPerSecond: number;
      etaSeconds: number | null;
      elapsedSeconds: number;
    }
  | {
      type: 'evaluation';
      runId: string;
      step: number;
      valNatsPerChar: number;
      valBitsPerChar: number;
      isBest: boolean;
      /** Each sample with the share of it that is not a verbatim copy of the corpora (see CopyReport). */
      samples: { temperature: number; text: string; novelty: number }[];
      /** The samples' mean novelty: memorisation shows as it falls. */
      novelty: number;
    }
  | { type: 'checkpoint'; runId: string; step: number; best: boolean }
  | { type: 'paused'; runId: string; step: number }
  | { type: 'resumed'; runId: string; step: number }
  | {
      type: 'done';
      runId: string;
      modelId: string;
      step: number;
      reason: 'budget' | 'early-stopped' | 'cancelled';
      bestValNatsPerChar: number | null;
    }
  | { type: 'error'; runId: string; error: ErrorInfo };

/** `complete`: the draft has the shape its mode asks for (a whole scene, one speech, ...). */
export type GenerationStopReason = 'length' | 'stop' | 'cancelled' | 'complete';

/** Where a draft repeats its model's corpora verbatim (spans of `windowChars` or more) and how much is new. */
export interface CopyReport {
  /** UTF-16 offsets into the draft, `to` exclusive. */
  spans: { from: number; to: number }[];
  /** Share of the draft's characters outside any span, 0..1. */
  novelty: number;
  windowChars: number;
}

export type GenerationEvent =
  | { type: 'started'; runId: string; alternatives: number; unknownPrimeChars: number }
  | { type: 'chunk'; runId: string; deltas: string[] }
  | {
      type: 'done';
      runId: string;
      texts: string[];
      reasons: GenerationStopReason[];
      /** Per alternative; null when the model's corpora are not at hand to compare with. */
      copies: (CopyReport | null)[];
      timeToFirstCharMs: number | null;
      charsPerSecond: number;
    }
  | { type: 'error'; runId: string; error: ErrorInfo };

export interface ModelSummary {
  id: string;
  name: string;
  preset: PresetName;
  model: ModelHyperparams;
  optimizer: OptimizerHyperparams;
  vocabSize: number;
  parameters: number;
  corpora: CorpusRef[];
  backend: BackendName;
  createdAt: string;
  updatedAt: string;
  step: number;
  bestStep: number | null;
  bestValNatsPerChar: number | null;
  lossCurve: LossPoint[];
  /** Set when the model was fine-tuned from another. */
  base?: ModelLineage;
  /** True while the latest checkpoint can continue training (not finished by budget or early stopping). */
  resumable: boolean;
  status: 'training' | 'stopped' | 'finished';
}

export const PRESETS: Readonly<Record<PresetName, ModelHyperparams>> = {
  small: { embeddingSize: 64, units: 128, layers: 2, dropout: 0 },
  medium: { embeddingSize: 64, units: 256, layers: 2, dropout: 0 },
  large: { embeddingSize: 64, units: 512, layers: 2, dropout: 0.25 },
};

export const DEFAULT_OPTIMIZER: Readonly<OptimizerHyperparams> = {
  learningRate: 2e-3,
  clipNorm: 5,
  seqLen: 100,
  batchSize: 32,
};

export const DEFAULT_TRAINING_CONFIG: Readonly<TrainingConfig> = {
  name: 'Untitled model',
  preset: 'medium',
  budget: { kind: 'epochs', epochs: 10 },
  evalEvery: 250,
  earlyStopping: { enabled: true, patience: 3 },
  seed: 1,
  sampleLength: 200,
};
