/**
 * Generation options, each declared once with its range and default. The settings store keeps the writer's
 * choices, the Generate panel draws its controls from the ranges, a request carries them unchanged and the sampler
 * reads them: adding an option means this schema, the sampler and a control.
 */
import { z } from 'zod';
import { DRAFT_MODES, type DraftMode } from '../fountain/draft-form.ts';

export { DRAFT_MODES, type DraftMode };

/** The engine's RNG takes 31-bit seeds. */
export const seedSchema = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

export const draftModeSchema = z.enum(DRAFT_MODES);

/** What a writer tunes in the Generate panel (and the settings keep between launches). */
export const generationSettingsSchema = z.object({
  /** What to write: a scene, a continuation, one character's line, an action beat or a scene heading. */
  mode: draftModeSchema,
  /** A scene's length in pages (a page is about a minute of screen time). */
  scenePages: z.number().min(0.125).max(3),
  /** Cues only from the script's and the included corpora's characters. */
  castLock: z.boolean(),
  /** Scene headings only at the script's locations. */
  locationLock: z.boolean(),
  /** Never let a verbatim copy of the training text grow past the copy limit. */
  avoidCopies: z.boolean(),
  /** Sampling temperature; 0 always takes the likeliest character. */
  temperature: z.number().min(0).max(2),
  /** Nucleus sampling mass; 1 turns it off. */
  topP: z.number().gt(0).max(1),
  /** Drafts generated side by side. */
  alternatives: z.number().int().min(1).max(4),
  /** Characters per draft. */
  length: z.number().int().min(20).max(5000),
  /** `null` draws a fresh seed for every generation (the provenance note records it). */
  seed: seedSchema.nullable(),
});
export type GenerationSettings = z.infer<typeof generationSettingsSchema>;

export const GENERATION_DEFAULTS: Readonly<GenerationSettings> = Object.freeze({
  mode: 'scene',
  scenePages: 1,
  castLock: true,
  locationLock: false,
  avoidCopies: true,
  temperature: 0.8,
  topP: 0.95,
  alternatives: 1,
  length: 600,
  seed: null,
});

/** The range of a numeric setting, for a control's min and max. */
export function rangeOf(key: 'temperature' | 'topP' | 'alternatives' | 'length' | 'scenePages'): {
  min: number;
  max: number;
} {
  const field = generationSettingsSchema.shape[key];
  return { min: field.minValue ?? 0, max: field.maxValue ?? Number.POSITIVE_INFINITY };
}

const { length: _length, seed: _seed, ...sampling } = generationSettingsSchema.shape;

/**
 * One generation request: the writer's settings (length as `maxLength`, a concrete seed) plus what the editor
 * knows (prime) and what only code sets (topK, stop strings, primeChars).
 */
export const generationSchema = z.object({
  ...z.object(sampling).partial().shape,
  temperature: sampling.temperature,
  modelId: z.string().min(1).max(200).optional(),
  /** Text before the cursor; only its last `primeChars` characters are used. */
  prime: z.string().max(1_000_000),
  primeChars: z.number().int().min(0).max(20_000).optional(),
  /** Keep only the k most likely characters (0 or absent = all). */
  topK: z.number().int().min(0).max(100_000).optional(),
  maxLength: z.number().int().min(1).max(20_000),
  /** An alternative ends before the first occurrence of any of these; the stop string is not included. */
  stopStrings: z.array(z.string().min(1).max(200)).max(20).optional(),
  seed: seedSchema.optional(),
  /** The names a locked cue may use: the script's characters and the included corpora's. */
  cast: z.array(z.string().min(1).max(100)).max(2000).optional(),
  /** The locations a locked heading may use: the script's. */
  locations: z.array(z.string().min(1).max(200)).max(2000).optional(),
  /** Who speaks in `line` mode (default: whoever would speak next). */
  speaker: z.string().min(1).max(100).optional(),
});
export type GenerationOptions = z.output<typeof generationSchema>;

/** The request for the writer's settings (a seed drawn by the caller when the settings hold none). */
export function generationRequest(
  settings: GenerationSettings,
  request: { prime: string; seed: number; modelId?: string; cast?: string[]; locations?: string[]; speaker?: string },
): GenerationOptions {
  const { length, seed: _chosen, ...options } = settings;
  return { ...options, ...request, maxLength: length };
}
