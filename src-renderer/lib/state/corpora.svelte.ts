import type {
  CorpusSummary,
  ErrorInfo,
  ExcludedDrafts,
  ImportReport,
  Result,
  UnderstudyApi,
} from '../../../src-main/contract/index.ts';
import { formatCount } from '../format.ts';
import { baseName } from './document.svelte.ts';
import type { Toasts } from './toasts.svelte.ts';

/** A corpus as the store summarises it. */
export type CorpusView = CorpusSummary;

/** A file picked or dropped by the writer, read in the renderer (works the same in Electron and a browser). */
export interface PickedFile {
  name: string;
  /** Base64 of the file's bytes: the decoder in main detects the encoding. */
  base64: string;
}

/** Characters of a corpus shown in its preview. */
const PREVIEW_CHARS = 4000;

/** The corpus library: list, import with per-file errors, include toggles, preview, rename, delete with undo. */
export class Corpora {
  #list = $state.raw<CorpusView[]>([]);
  #loaded = $state(false);
  #importing = $state(false);
  /** Errors from the last import, next to the file that caused them. */
  #fileErrors = $state.raw<{ name: string; message: string }[]>([]);
  #error = $state.raw<ErrorInfo | null>(null);
  #previewId = $state<string | null>(null);
  #preview = $state.raw<{ text: string; truncated: boolean } | null>(null);

  readonly included = $derived(this.#list.filter((corpus) => corpus.included));
  readonly characterNames = $derived(unique(this.#list.flatMap((corpus) => corpus.stats.characterNames)));

  constructor(
    private readonly api: UnderstudyApi,
    private readonly toasts: Toasts,
  ) {}

  get list(): readonly CorpusView[] {
    return this.#list;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get importing(): boolean {
    return this.#importing;
  }
  get fileErrors(): readonly { name: string; message: string }[] {
    return this.#fileErrors;
  }
  get error(): ErrorInfo | null {
    return this.#error;
  }
  get previewId(): string | null {
    return this.#previewId;
  }
  get preview(): { text: string; truncated: boolean } | null {
    return this.#preview;
  }

  async load(): Promise<void> {
    const result = await this.api.corpora.list();
    if (result.ok) this.#list = result.value;
    else this.#error = result.error;
    this.#loaded = true;
  }

  /** Reads the files in the renderer and imports them; returns how many new corpora arrived. */
  async importFiles(files: readonly File[]): Promise<number> {
    if (files.length === 0) return 0;
    return this.#import(async () =>
      this.api.corpora.importUploads({ files: await Promise.all(files.map(readPicked)) }),
    );
  }

  /** Whether picked and dropped files can be imported (otherwise only by path): main always takes uploads. */
  get canImportPicked(): boolean {
    return true;
  }

  /** Imports files or whole folders by path (Electron's dialog, or a path typed in the browser). */
  async importPaths(paths: readonly string[]): Promise<number> {
    if (paths.length === 0) return 0;
    return this.#import(() => this.api.corpora.importFiles({ paths: [...paths] }));
  }

  async #import(run: () => Promise<Result<ImportReport>>): Promise<number> {
    this.#importing = true;
    this.#fileErrors = [];
    this.#error = null;
    try {
      const result = await run();
      if (!result.ok) {
        this.#error = result.error;
        return 0;
      }
      const { imported, duplicates, failed } = result.value;
      this.#fileErrors = [
        ...failed.map((failure) => ({ name: baseName(failure.path), message: failure.error.message })),
        ...duplicates.map((dup) => ({
          name: baseName(dup.path),
          message: `Already in your library as “${dup.existingName}”.`,
        })),
      ];
      await this.load();
      if (imported.length > 0) {
        const left = describeExcludedDrafts(totalExcluded(imported));
        this.toasts.show(
          `${imported.length === 1 ? `Imported “${imported[0]?.name}”.` : `Imported ${imported.length} files.`}${left ? ` ${left}.` : ''}`,
        );
      }
      return imported.length;
    } finally {
      this.#importing = false;
    }
  }

  async setIncluded(id: string, included: boolean): Promise<void> {
    this.#patch(id, { included });
    const result = await this.api.corpora.setIncluded({ id, included });
    if (result.ok) this.#replace(result.value);
    else this.#fail(result.error, () => this.#patch(id, { included: !included }));
  }

  async rename(id: string, name: string): Promise<boolean> {
    const result = await this.api.corpora.rename({ id, name });
    if (result.ok) this.#replace(result.value);
    else this.#error = result.error;
    return result.ok;
  }

  /** Deletes (to the store's trash) and offers Undo in a toast. */
  async remove(id: string): Promise<void> {
    const corpus = this.#list.find((entry) => entry.id === id);
    const result = await this.api.corpora.delete({ id });
    if (!result.ok) {
      this.#error = result.error;
      return;
    }
    this.#list = this.#list.filter((entry) => entry.id !== id);
    if (this.#previewId === id) this.closePreview();
    this.toasts.show(`Deleted “${corpus?.name ?? 'corpus'}”.`, {
      tone: 'info',
      action: { label: 'Undo', run: () => this.restore(id) },
    });
  }

  async restore(id: string): Promise<void> {
    const result = await this.api.corpora.restore({ id });
    if (result.ok) await this.load();
    else this.#error = result.error;
  }

  async showPreview(id: string): Promise<void> {
    if (this.#previewId === id) return this.closePreview();
    this.#previewId = id;
    this.#preview = null;
    const result = await this.api.corpora.preview({ id, maxChars: PREVIEW_CHARS });
    if (this.#previewId !== id) return;
    if (result.ok) this.#preview = result.value;
    else this.#error = result.error;
  }

  closePreview(): void {
    this.#previewId = null;
    this.#preview = null;
  }

  dismissErrors(): void {
    this.#fileErrors = [];
    this.#error = null;
  }

  #patch(id: string, patch: Partial<CorpusView>): void {
    this.#list = this.#list.map((entry) => (entry.id === id ? { ...entry, ...patch } : entry));
  }

  #replace(corpus: CorpusView): void {
    this.#list = this.#list.map((entry) => (entry.id === corpus.id ? corpus : entry));
  }

  #fail(error: ErrorInfo, rollback: () => void): void {
    rollback();
    this.#error = error;
  }
}

/** `2 generated drafts (1,240 characters) left out`, or `null` when the import left none out. */
export function describeExcludedDrafts(excluded: ExcludedDrafts | undefined): string | null {
  if (!excluded || excluded.count === 0) return null;
  const drafts = excluded.count === 1 ? '1 generated draft' : `${formatCount(excluded.count)} generated drafts`;
  return `${drafts} (${formatCount(excluded.chars)} characters) left out`;
}

function totalExcluded(corpora: readonly CorpusSummary[]): ExcludedDrafts {
  return corpora.reduce(
    (sum, corpus) => ({
      count: sum.count + (corpus.excludedDrafts?.count ?? 0),
      chars: sum.chars + (corpus.excludedDrafts?.chars ?? 0),
    }),
    { count: 0, chars: 0 },
  );
}

async function readPicked(file: File): Promise<PickedFile> {
  return { name: file.name, base64: toBase64(new Uint8Array(await file.arrayBuffer())) };
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

function unique(names: string[]): string[] {
  return names.filter((name, index) => names.indexOf(name) === index);
}
