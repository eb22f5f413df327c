import { z } from 'zod';
import { presetSchema } from '../contract/vocabulary.ts';

export const SETTINGS_VERSION = 3;

export const windowBoundsSchema = z
  .object({
    x: z.number().int().optional(),
    y: z.number().int().optional(),
    width: z.number().int().min(400).max(20_000),
    height: z.number().int().min(300).max(20_000),
    maximized: z.boolean(),
  })
  .strict();

/** Every setting and its allowed values (no defaults here: patches must not be filled in). */
export const settingsFields = {
  /** Sampling temperature; 0 is greedy. */
  temperature: z.number().min(0).max(2),
  /** Characters to generate per request. */
  length: z.number().int().min(20).max(5000),
  alternatives: z.number().int().min(1).max(4),
  /** Nucleus sampling mass; 1 turns it off. */
  topP: z.number().gt(0).max(1),
  /** `null` draws a fresh seed for every generation; the range matches the engine's seeds. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .nullable(),
  preset: presetSchema,
  theme: z.enum(['system', 'light', 'dark']),
  windowBounds: windowBoundsSchema.nullable(),
  activeModelId: z.string().min(1).nullable(),
  recentFiles: z.array(z.string().min(1)).max(20),
  /** `null` means the platform's default app-data directory. */
  dataDirectory: z.string().min(1).nullable(),
  /** Corpus files above this many bytes are refused. */
  maxCorpusBytes: z
    .number()
    .int()
    .min(1024)
    .max(2 ** 31),
  tourSeen: z.boolean(),
};

export const settingsSchema = z.object(settingsFields).strict();
export const settingsPatchSchema = settingsSchema.partial().strict();

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
export type SettingKey = keyof Settings;

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  temperature: 0.8,
  length: 600,
  alternatives: 1,
  topP: 0.95,
  seed: null,
  preset: 'medium',
  theme: 'system',
  windowBounds: null,
  activeModelId: null,
  recentFiles: [],
  dataDirectory: null,
  maxCorpusBytes: 50 * 1024 * 1024,
  tourSeen: false,
});
