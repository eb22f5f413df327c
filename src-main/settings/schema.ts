import { z } from 'zod';
import { GENERATION_DEFAULTS, generationSettingsSchema } from '../contract/generation.ts';
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
  ...generationSettingsSchema.shape,
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
  /** Importing a screenplay leaves out the drafts Understudy wrote into it: a model must not learn its own output. */
  excludeGeneratedDrafts: z.boolean(),
  /** The editor shows where each printed page begins. */
  pageMarkers: z.boolean(),
};

export const settingsSchema = z.object(settingsFields).strict();
export const settingsPatchSchema = settingsSchema.partial().strict();

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
export type SettingKey = keyof Settings;

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  ...GENERATION_DEFAULTS,
  preset: 'medium',
  theme: 'system',
  windowBounds: null,
  activeModelId: null,
  recentFiles: [],
  dataDirectory: null,
  maxCorpusBytes: 50 * 1024 * 1024,
  tourSeen: false,
  excludeGeneratedDrafts: true,
  pageMarkers: true,
});
