import { z } from 'zod';
import { corpusFormatSchema, corpusKindSchema } from '../contract/vocabulary.ts';

export const CORPUS_META_VERSION = 1;

/** The bundled, read-only sample corpus. */
export const SAMPLE_CORPUS_ID = 'sample-shakespeare';
export const SAMPLE_CORPUS_NAME = 'Shakespeare (sample)';

export const corpusStatsSchema = z.object({
  chars: z.number().int().nonnegative(),
  words: z.number().int().nonnegative(),
  lines: z.number().int().nonnegative(),
  distinctChars: z.number().int().nonnegative(),
  kind: corpusKindSchema,
  characterNames: z.array(z.string()),
});

/** How much of a screenplay was Understudy's own drafts, left out on import. */
export const excludedDraftsSchema = z.object({
  count: z.number().int().nonnegative(),
  /** Characters (code points), the notes that bounded the drafts included. */
  chars: z.number().int().nonnegative(),
});

export type ExcludedDrafts = z.infer<typeof excludedDraftsSchema>;

/** What `meta.json` next to each corpus text holds; validated on load so a damaged file is never trusted. */
export const corpusMetaSchema = z.object({
  metaVersion: z.literal(CORPUS_META_VERSION),
  id: z.string().min(1),
  name: z.string().min(1),
  origin: z.enum(['import', 'sample']),
  source: z.object({
    path: z.string().nullable(),
    format: corpusFormatSchema,
    encoding: z.string(),
    bytes: z.number().int().nonnegative(),
  }),
  importedAt: z.string(),
  included: z.boolean(),
  readOnly: z.boolean(),
  /** SHA-256 (hex) of the normalised text as imported (before a stage play's conversion): duplicate detection. */
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  gutenbergStripped: z.boolean(),
  /** Understudy's own drafts left out of a screenplay; absent where none were looked for (older corpora too). */
  excludedDrafts: excludedDraftsSchema.optional(),
  /** The text was a stage play (`NAME:` speaker lines) and is kept as Fountain: cue lines and dialogue. */
  convertedFrom: z.literal('stage play').optional(),
  stats: corpusStatsSchema,
});

export type CorpusMeta = z.infer<typeof corpusMetaSchema>;
