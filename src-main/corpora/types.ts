/** Plain data types of the corpus library, shared with the contract (no Node imports here). */
import type { ErrorInfo } from '../contract/errors.ts';
import type { CorpusMeta } from './corpus-meta.ts';
import type { PresetName } from '../contract/vocabulary.ts';

export type { CorpusMeta } from './corpus-meta.ts';
export type { CorpusKind, CorpusStats } from './stats.ts';
export type { ExcludedDrafts } from './corpus-meta.ts';

export interface CorpusSummary extends CorpusMeta {
  /** Seconds for one pass over the text, per preset (see `DEFAULT_CHARS_PER_SECOND`). */
  estimatedTrainingSeconds: Record<PresetName, number>;
}

export interface ImportDuplicate {
  path: string;
  existingId: string;
  existingName: string;
}

export interface ImportFailure {
  path: string;
  error: ErrorInfo;
}

export interface ImportReport {
  /** Each with `excludedDrafts`: how much of a screenplay was Understudy's own drafts, left out. */
  imported: CorpusSummary[];
  duplicates: ImportDuplicate[];
  failed: ImportFailure[];
}

export interface CorpusPreview {
  text: string;
  truncated: boolean;
}
