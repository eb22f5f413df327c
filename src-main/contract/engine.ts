import { z } from 'zod';
import type { BackendName, GenerationEvent, ModelSummary, PresetName, TrainingEvent } from '../engine/types.ts';
import { event, request } from './define.ts';
import { generationSchema, seedSchema } from './generation.ts';
import { budgetSchema, presetSchema } from './vocabulary.ts';

export type * from '../engine/types.ts';

const id = z.string().min(1).max(200);
const runRef = z.object({ runId: id });
const seed = seedSchema;
const budget = budgetSchema;

/** Corpus ids of the bundled base model's texts (resources/corpora/base): how the app tells the base apart. */
export const BASE_CORPUS_ID_PREFIX = 'base-';

/** The bundled base model: trained from scratch on the base corpus only. */
export function isBaseModel(model: Pick<ModelSummary, 'corpora' | 'base'>): boolean {
  return (
    model.base === undefined &&
    model.corpora.length > 0 &&
    model.corpora.every((corpus) => corpus.id.startsWith(BASE_CORPUS_ID_PREFIX))
  );
}

export const startTrainingSchema = z.object({
  corpusIds: z.array(id).min(1).max(500),
  name: z.string().trim().min(1).max(200).optional(),
  preset: presetSchema.optional(),
  model: z
    .object({
      embeddingSize: z.number().int().min(4).max(1024),
      units: z.number().int().min(4).max(2048),
      layers: z.number().int().min(1).max(6),
      dropout: z.number().min(0).max(0.9),
    })
    .partial()
    .optional(),
  optimizer: z
    .object({
      learningRate: z.number().positive().max(1),
      clipNorm: z.number().positive().max(1000),
      seqLen: z.number().int().min(8).max(1000),
      batchSize: z.number().int().min(1).max(1024),
      warmupSteps: z.number().int().min(0).max(1_000_000),
      freezeSteps: z.number().int().min(0).max(1_000_000),
    })
    .partial()
    .optional(),
  budget: budget.optional(),
  evalEvery: z.number().int().min(1).max(1_000_000).optional(),
  earlyStopping: z.object({ enabled: z.boolean(), patience: z.number().int().min(1).max(1000) }).optional(),
  seed: seed.optional(),
  sampleLength: z.number().int().min(0).max(2000).optional(),
  /** A saved model to fine-tune (its shape and vocabulary, new characters appended) instead of random weights. */
  startFrom: id.optional(),
});
export type StartTrainingInput = z.input<typeof startTrainingSchema>;

export interface EngineStatus {
  backend: BackendName;
  activeModelId: string | null;
  /** The run currently training, if any. */
  trainingRunId: string | null;
  /** Preset suggested from the measured speed of this backend (by backend kind until a measurement exists). */
  recommendedPreset: PresetName;
  /** Training speed measured on this machine; null until the first measurement (a few seconds after a first start). */
  trainingSpeed: TrainingSpeedStatus | null;
}

export interface TrainingSpeedStatus {
  /** Training characters per second of each preset with this backend. */
  charsPerSecond: Record<PresetName, number>;
  /** The presets timed; the others are scaled from the largest timed one by parameter count. */
  measured: PresetName[];
  measuredAt: string;
  /** Minutes Medium and Large need at these speeds to reach their best validation loss on a 1 MB corpus. */
  minutesToBest: { medium: number; large: number };
}

export const engineRequests = {
  'engine:getStatus': request<EngineStatus>()(z.undefined()),
  'training:start': request<{ runId: string; modelId: string }>()(startTrainingSchema),
  'training:pause': request<void>()(runRef),
  'training:resume': request<void>()(runRef),
  'training:cancel': request<void>()(runRef),
  /** Continues a model from its latest checkpoint; a budget is that much more training (`steps: 20`: 20 more steps). */
  'training:continue': request<{ runId: string; modelId: string }>()(
    z.object({ modelId: id, budget: budget.optional() }),
  ),
  'generation:start': request<{ runId: string }>()(generationSchema),
  'generation:cancel': request<void>()(runRef),
  /** Runs the active model over the text before the cursor ahead of time, so Generate starts at once. */
  'generation:prepare': request<{ primedChars: number }>()(
    z.object({ prime: z.string().max(1_000_000), primeChars: z.number().int().min(0).max(20_000).optional() }),
  ),
  'models:list': request<ModelSummary[]>()(z.undefined()),
  'models:setActive': request<ModelSummary>()(z.object({ id })),
  'models:rename': request<ModelSummary>()(z.object({ id, name: z.string().trim().min(1).max(200) })),
  'models:delete': request<void>()(z.object({ id })),
};

export const engineEvents = {
  /** Every event of every training run, tagged with its runId. */
  'training:event': event<TrainingEvent>(),
  /** Every event of every generation run, tagged with its runId. */
  'generation:event': event<GenerationEvent>(),
  'models:changed': event<{ activeModelId: string | null }>(),
  /** The status changed without a request (the training speed was measured). */
  'engine:statusChanged': event<EngineStatus>(),
};
