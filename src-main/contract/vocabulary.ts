/**
 * The app's vocabularies, each declared once: backends, presets, training budgets and corpus formats. Main, the
 * engine and the renderer derive their types, lists and labels from these (the renderer through the contract).
 */
import { z } from 'zod';

export const backendNameSchema = z.enum(['tensorflow', 'wasm', 'cpu']);
export type BackendName = z.infer<typeof backendNameSchema>;
/** In the order the engine tries them. */
export const BACKEND_NAMES: readonly BackendName[] = backendNameSchema.options;

export const presetSchema = z.enum(['small', 'medium', 'large']);
export type PresetName = z.infer<typeof presetSchema>;
/** Smallest first. */
export const PRESET_NAMES: readonly PresetName[] = presetSchema.options;

export const budgetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('steps'), steps: z.number().int().min(1).max(10_000_000) }),
  z.object({ kind: z.literal('epochs'), epochs: z.number().min(0.001).max(10_000) }),
  z.object({
    kind: z.literal('minutes'),
    minutes: z
      .number()
      .min(0.05)
      .max(7 * 24 * 60),
  }),
]);
export type TrainingBudget = z.infer<typeof budgetSchema>;
export type BudgetKind = TrainingBudget['kind'];
/** The value of a budget, whatever its kind. */
export function budgetValue(budget: TrainingBudget): number {
  return budget.kind === 'steps' ? budget.steps : budget.kind === 'epochs' ? budget.epochs : budget.minutes;
}
/** A budget of `kind` with `value` in that kind's unit. */
export function makeBudget(kind: BudgetKind, value: number): TrainingBudget {
  if (kind === 'steps') return { kind, steps: value };
  if (kind === 'epochs') return { kind, epochs: value };
  return { kind, minutes: value };
}

/** Every file format a corpus can be imported from, with the file extensions that mean it. */
export const CORPUS_FORMATS = {
  fountain: { label: 'Fountain screenplay', extensions: ['.fountain', '.spmd'] },
  fdx: { label: 'Final Draft', extensions: ['.fdx'] },
  docx: { label: 'Word document', extensions: ['.docx'] },
  txt: { label: 'Plain text', extensions: ['.txt'] },
  md: { label: 'Markdown', extensions: ['.md', '.markdown'] },
} as const satisfies Record<string, { label: string; extensions: readonly `.${string}`[] }>;
export type CorpusFormat = keyof typeof CORPUS_FORMATS;
export const corpusFormatSchema = z.enum(Object.keys(CORPUS_FORMATS) as [CorpusFormat, ...CorpusFormat[]]);
/** `.fountain`, `.spmd`, ... in the order above. */
export const CORPUS_EXTENSIONS: readonly string[] = Object.values(CORPUS_FORMATS).flatMap((f) => f.extensions);
/** `.fountain, .fdx, .docx, .txt, .md`: one extension per format, for messages and help. */
export const CORPUS_EXTENSIONS_TEXT = Object.values(CORPUS_FORMATS)
  .map((f) => f.extensions[0])
  .join(', ');

/** What the editor opens as a script: Fountain files as they are, Final Draft converted to Fountain on open. */
export const SCRIPT_EXTENSIONS: readonly string[] = (['fountain', 'fdx', 'txt'] as const).flatMap(
  (format) => CORPUS_FORMATS[format].extensions,
);
/** What a script is saved as: its text is Fountain, so never over a `.fdx`. */
export const SCRIPT_SAVE_EXTENSIONS: readonly string[] = SCRIPT_EXTENSIONS.filter(
  (extension) => corpusFormatOf(extension) !== 'fdx',
);
/** A path's extension (lower case, with its dot), or '' without one. */
export function extensionOf(path: string): string {
  return /\.[^./\\]+$/.exec(path)?.[0].toLowerCase() ?? '';
}

/** The format an extension (with its dot, any case) means, if any. */
export function corpusFormatOf(extension: string): CorpusFormat | undefined {
  const lower = extension.toLowerCase();
  return (Object.keys(CORPUS_FORMATS) as CorpusFormat[]).find((format) =>
    (CORPUS_FORMATS[format].extensions as readonly string[]).includes(lower),
  );
}

/** What a corpus reads as, from its text (see corpora/stats.ts). */
export const corpusKindSchema = z.enum(['screenplay', 'stage play', 'prose']);
export type CorpusKind = z.infer<typeof corpusKindSchema>;
