import { createHash, randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError, isAppError, toErrorInfo, type ErrorInfo } from '../contract/errors.ts';
import type { DamagedItem } from '../contract/app.ts';
import type { CorpusPreview, CorpusSummary, ImportReport } from './types.ts';
import {
  TEMP_MARK,
  fsyncDirectory,
  removeTempLeftovers,
  tempPathFor,
  writeFileAtomic,
  writeFileDurable,
} from '../fs/atomic-file.ts';
import { errnoCode } from '../fs/errno.ts';
import {
  CORPUS_META_VERSION,
  SAMPLE_CORPUS_ID,
  SAMPLE_CORPUS_NAME,
  corpusMetaSchema,
  type CorpusMeta,
} from './corpus-meta.ts';

export { SAMPLE_CORPUS_ID, SAMPLE_CORPUS_NAME };
import { extractText, formatOf } from './extract.ts';
import { excludeGeneratedDrafts, normaliseText } from './normalise.ts';
import type { PresetName } from '../contract/vocabulary.ts';
import { DEFAULT_CHARS_PER_SECOND, computeStats, estimateTrainingSeconds } from './stats.ts';
import { stagePlayToFountain, stageSpeakers } from '../fountain/stage-play.ts';

export type * from './types.ts';

export const DEFAULT_MAX_CORPUS_BYTES = 50 * 1024 * 1024;
const TEXT_FILE = 'corpus.txt';
const META_FILE = 'meta.json';
const DEFAULT_TRASH_RETENTION_MS = 7 * 24 * 3600 * 1000;

export interface CorpusStoreOptions {
  /** Files larger than this are refused with `E_TOO_LARGE` (default 50 MB). */
  maxBytes?: number;
  /** The bundled sample text (resources/corpora/shakespeare.txt); `null` for none. */
  samplePath?: string | null;
  charsPerSecondByPreset?: Readonly<Record<PresetName, number>>;
  /** Deleted corpora older than this are purged when the store opens (default 7 days). */
  trashRetentionMs?: number;
  /** Screenplays are imported without the drafts Understudy wrote into them (default true). */
  excludeGeneratedDrafts?: boolean;
}

interface Prepared {
  meta: CorpusMeta;
  text: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function ioError(filePath: string, error: unknown): AppError {
  const code = errnoCode(error);
  const reason =
    code === 'ENOENT'
      ? 'it does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : String(code ?? error);
  return new AppError('E_IO', `${path.basename(filePath)} could not be read: ${reason}.`);
}

/** One directory per corpus (text + meta.json), renamed into place complete, so a crash never leaves half a corpus. */
export class CorpusStore {
  readonly #root: string;
  readonly #trash: string;
  readonly #corpora = new Map<string, CorpusMeta>();
  #maxBytes: number;
  #charsPerSecond: Readonly<Record<PresetName, number>>;
  #excludeGeneratedDrafts: boolean;
  #queue: Promise<unknown> = Promise.resolve();
  #sampleError: ErrorInfo | null = null;
  readonly #damaged: DamagedItem[] = [];

  private constructor(dataDir: string, options: CorpusStoreOptions) {
    this.#root = path.join(dataDir, 'corpora');
    this.#trash = path.join(dataDir, 'corpora-trash');
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_CORPUS_BYTES;
    this.#charsPerSecond = options.charsPerSecondByPreset ?? DEFAULT_CHARS_PER_SECOND;
    this.#excludeGeneratedDrafts = options.excludeGeneratedDrafts ?? true;
  }

  /** Corpus directories found damaged at start-up (left on disk as they are). */
  get damaged(): readonly DamagedItem[] {
    return this.#damaged;
  }

  /** Opens (creating if needed) the library in `dataDir`, cleans crash leftovers and installs the sample. */
  static async open(dataDir: string, options: CorpusStoreOptions = {}): Promise<CorpusStore> {
    const store = new CorpusStore(dataDir, options);
    await mkdir(store.#root, { recursive: true });
    await mkdir(store.#trash, { recursive: true });
    await removeTempLeftovers(store.#root);
    await store.#load();
    await store.purgeTrash(options.trashRetentionMs ?? DEFAULT_TRASH_RETENTION_MS);
    if (options.samplePath) await store.#installSample(options.samplePath);
    return store;
  }

  /** Why the bundled sample could not be installed, if it could not. */
  get sampleError(): ErrorInfo | null {
    return this.#sampleError;
  }

  get maxBytes(): number {
    return this.#maxBytes;
  }

  setMaxBytes(bytes: number): void {
    if (!Number.isInteger(bytes) || bytes <= 0)
      throw new AppError('E_INVALID_INPUT', 'The size limit must be a positive number of bytes.');
    this.#maxBytes = bytes;
  }

  /** Whether later imports leave Understudy's own drafts out of screenplays. */
  setExcludeGeneratedDrafts(exclude: boolean): void {
    this.#excludeGeneratedDrafts = exclude;
  }

  /** Replaces the throughput used for training-time estimates (e.g. with measured numbers). */
  setThroughput(charsPerSecondByPreset: Readonly<Record<PresetName, number>>): void {
    this.#charsPerSecond = { ...charsPerSecondByPreset };
  }

  list(): CorpusSummary[] {
    return [...this.#corpora.values()]
      .sort(
        (a, b) =>
          Number(b.origin === 'sample') - Number(a.origin === 'sample') || a.importedAt.localeCompare(b.importedAt),
      )
      .map((meta) => this.#summary(meta));
  }

  get(id: string): CorpusSummary {
    return this.#summary(this.#meta(id));
  }

  /** Imports files and folders (recursively; hidden entries skipped). Each file succeeds or fails on its own. */
  /** `recordSource: false` for files that only passed through a temp folder (browser uploads). */
  async importPaths(paths: readonly string[], options: { recordSource?: boolean } = {}): Promise<ImportReport> {
    return this.#exclusive(async () => {
      const report: ImportReport = { imported: [], duplicates: [], failed: [] };
      for (const filePath of await this.#expand(paths, report)) {
        try {
          const prepared = await this.#prepare(filePath, 'import', options.recordSource ?? true);
          const existing = this.#byHash(prepared.meta.contentHash);
          if (existing)
            report.duplicates.push({ path: filePath, existingId: existing.id, existingName: existing.name });
          else report.imported.push(this.#summary(await this.#commit(prepared)));
        } catch (error) {
          report.failed.push({ path: filePath, error: toErrorInfo(error) });
        }
      }
      return report;
    });
  }

  /** Imports one file, throwing its refusal (`E_DUPLICATE` when the same text is already in the library). */
  async importFile(filePath: string): Promise<CorpusSummary> {
    const report = await this.importPaths([filePath]);
    const failure = report.failed[0];
    if (failure) throw new AppError(failure.error.code, failure.error.message);
    const duplicate = report.duplicates[0];
    if (duplicate) {
      throw new AppError(
        'E_DUPLICATE',
        `${path.basename(filePath)} has the same text as "${duplicate.existingName}", which is already in the library.`,
      );
    }
    const imported = report.imported[0];
    if (!imported) throw new AppError('E_INTERNAL', `Nothing was imported from ${path.basename(filePath)}.`);
    return imported;
  }

  /** The first `maxChars` characters of a corpus, reading no more of the file than that needs. */
  async preview(id: string, maxChars = 2000): Promise<CorpusPreview> {
    this.#meta(id);
    const handle = await open(this.#textPath(id), 'r');
    try {
      const buffer = Buffer.alloc(maxChars * 4);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      const decoded = new TextDecoder('utf-8').decode(buffer.subarray(0, bytesRead), { stream: true });
      const chars = Array.from(decoded);
      const fileSize = (await handle.stat()).size;
      return { text: chars.slice(0, maxChars).join(''), truncated: chars.length > maxChars || bytesRead < fileSize };
    } finally {
      await handle.close();
    }
  }

  /** The whole normalised text, e.g. for training. */
  async readText(id: string): Promise<string> {
    this.#meta(id);
    return readFile(this.#textPath(id), 'utf8');
  }

  async rename(id: string, name: string): Promise<CorpusSummary> {
    const trimmed = name.trim();
    if (trimmed === '' || trimmed.length > 200)
      throw new AppError('E_INVALID_INPUT', 'A corpus name must be 1 to 200 characters.');
    return this.#exclusive(async () => this.#summary(await this.#updateMeta(this.#writable(id), { name: trimmed })));
  }

  /** Include or exclude a corpus from training; allowed for the read-only sample too. */
  async setIncluded(id: string, included: boolean): Promise<CorpusSummary> {
    return this.#exclusive(async () => this.#summary(await this.#updateMeta(this.#meta(id), { included })));
  }

  /** Moves a corpus to the trash, from which `restore` brings it back until it is purged. */
  async delete(id: string): Promise<void> {
    await this.#exclusive(async () => {
      this.#writable(id);
      await rename(path.join(this.#root, id), path.join(this.#trash, `${Date.now()}-${id}`));
      this.#corpora.delete(id);
      await Promise.all([fsyncDirectory(this.#root), fsyncDirectory(this.#trash)]);
    });
  }

  async restore(id: string): Promise<CorpusSummary> {
    return this.#exclusive(async () => {
      const entries = (await readdir(this.#trash)).filter((name) => name.endsWith(`-${id}`)).sort();
      const newest = entries[entries.length - 1];
      if (newest === undefined) throw new AppError('E_NOT_FOUND', 'That corpus is no longer in the trash.');
      const target = path.join(this.#root, id);
      await rename(path.join(this.#trash, newest), target);
      await Promise.all([fsyncDirectory(this.#root), fsyncDirectory(this.#trash)]);
      const meta = await this.#readMeta(target);
      if (!meta) throw new AppError('E_INTERNAL', 'The restored corpus is damaged.');
      this.#corpora.set(id, meta);
      return this.#summary(meta);
    });
  }

  /** Permanently removes trashed corpora deleted more than `olderThanMs` ago; returns how many. */
  async purgeTrash(olderThanMs = 0): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    const expired = (await readdir(this.#trash)).filter((name) => Number(name.split('-')[0]) <= cutoff);
    await Promise.all(expired.map((name) => rm(path.join(this.#trash, name), { recursive: true, force: true })));
    return expired.length;
  }

  #summary(meta: CorpusMeta): CorpusSummary {
    return { ...meta, estimatedTrainingSeconds: estimateTrainingSeconds(meta.stats.chars, this.#charsPerSecond) };
  }

  #meta(id: string): CorpusMeta {
    const meta = this.#corpora.get(id);
    if (!meta) throw new AppError('E_NOT_FOUND', 'That corpus is not in the library.');
    return meta;
  }

  #writable(id: string): CorpusMeta {
    const meta = this.#meta(id);
    if (meta.readOnly)
      throw new AppError('E_READ_ONLY', `"${meta.name}" is read-only: it cannot be renamed or deleted.`);
    return meta;
  }

  #byHash(hash: string): CorpusMeta | undefined {
    return [...this.#corpora.values()].find((meta) => meta.contentHash === hash);
  }

  #textPath(id: string): string {
    return path.join(this.#root, id, TEXT_FILE);
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #readMeta(dir: string): Promise<CorpusMeta | null> {
    const checked = await this.#checkDirectory(dir);
    return 'metaVersion' in checked ? checked : null;
  }

  /** The corpus's metadata, or why it cannot be trusted: unreadable meta.json, a text torn or changed outside us. */
  async #checkDirectory(dir: string): Promise<CorpusMeta | ErrorInfo> {
    const damaged = (why: string): ErrorInfo => ({
      code: 'E_IO',
      message: `Corpus ${path.basename(dir)} is damaged: ${why}.`,
    });
    let meta: CorpusMeta;
    try {
      const parsed = corpusMetaSchema.safeParse(JSON.parse(await readFile(path.join(dir, META_FILE), 'utf8')));
      if (!parsed.success || parsed.data.id !== path.basename(dir)) return damaged('meta.json is invalid');
      meta = parsed.data;
    } catch {
      return damaged('meta.json is unreadable');
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(path.join(dir, TEXT_FILE)));
    } catch {
      return damaged('its text is missing or not valid UTF-8');
    }
    let chars = 0;
    for (const _ of text) chars += 1;
    return chars === meta.stats.chars
      ? meta
      : damaged(`its text has ${chars} characters, meta.json says ${meta.stats.chars}`);
  }

  /** Damaged corpus directories (only possible by outside interference) are left on disk, not listed, but named. */
  async #load(): Promise<void> {
    const entries = await readdir(this.#root, { withFileTypes: true });
    for (const entry of entries.filter((e) => e.isDirectory() && !e.name.endsWith(TEMP_MARK))) {
      const dir = path.join(this.#root, entry.name);
      await removeTempLeftovers(dir);
      const checked = await this.#checkDirectory(dir);
      if ('metaVersion' in checked) this.#corpora.set(checked.id, checked);
      else this.#damaged.push({ kind: 'corpus', id: entry.name, ...checked });
    }
  }

  async #expand(paths: readonly string[], report: ImportReport): Promise<string[]> {
    const files: string[] = [];
    const visit = async (entryPath: string, explicit: boolean): Promise<void> => {
      let info;
      try {
        info = await stat(entryPath);
      } catch (error) {
        report.failed.push({ path: entryPath, error: ioError(entryPath, error).toInfo() });
        return;
      }
      if (info.isDirectory()) {
        let children: Dirent[];
        try {
          children = await readdir(entryPath, { withFileTypes: true });
        } catch (error) {
          report.failed.push({ path: entryPath, error: ioError(entryPath, error).toInfo() });
          return;
        }
        const visible = children
          .filter((child) => !child.name.startsWith('.'))
          .sort((a, b) => a.name.localeCompare(b.name));
        for (const child of visible) {
          const childPath = path.join(entryPath, child.name);
          // Symlinked folders could loop; symlinked files are followed.
          if (child.isSymbolicLink() && (await stat(childPath).catch(() => null))?.isDirectory()) continue;
          await visit(childPath, false);
        }
        return;
      }
      if (!explicit) {
        try {
          formatOf(entryPath);
        } catch (error) {
          report.failed.push({ path: entryPath, error: toErrorInfo(error) });
          return;
        }
      }
      files.push(entryPath);
    };
    for (const entryPath of paths) await visit(path.resolve(entryPath), true);
    return files;
  }

  async #prepare(filePath: string, origin: CorpusMeta['origin'] = 'import', recordSource = true): Promise<Prepared> {
    const name = path.basename(filePath);
    formatOf(filePath);
    let bytes: Buffer;
    try {
      const info = await stat(filePath);
      if (!info.isFile()) throw new AppError('E_IO', `${name} is not a regular file.`);
      if (origin === 'import' && info.size > this.#maxBytes) {
        const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
        throw new AppError('E_TOO_LARGE', `${name} is ${mb(info.size)}; the limit is ${mb(this.#maxBytes)}.`);
      }
      if (info.size === 0) throw new AppError('E_EMPTY', `${name} is empty.`);
      bytes = await readFile(filePath);
    } catch (error) {
      throw isAppError(error) ? error : ioError(filePath, error);
    }
    const extracted = await extractText(bytes, filePath);
    // A compressed format (.docx) can unpack to far more text than its file size: the limit holds for the text too.
    if (origin === 'import' && extracted.text.length > this.#maxBytes) {
      throw new AppError('E_TOO_LARGE', `${name} unpacks to more text than the corpus size limit allows.`);
    }
    const normalised = normaliseText(extracted.text);
    if (normalised.text.trim() === '') throw new AppError('E_EMPTY', `${name} contains no text.`);
    const screenplay = extracted.format === 'fountain' || extracted.format === 'fdx';
    const { text, excluded } =
      screenplay && this.#excludeGeneratedDrafts
        ? excludeGeneratedDrafts(normalised.text)
        : { text: normalised.text, excluded: undefined };
    if (text.trim() === '') throw new AppError('E_EMPTY', `${name} holds nothing but drafts Understudy wrote.`);
    const sample = origin === 'sample';
    // A stage play is learnt as Fountain (cue lines and dialogue), the layout Generate writes in.
    const stagePlay = !screenplay && !sample && computeStats(text).kind === 'stage play' && isStagePlay(text);
    const stored = stagePlay ? stagePlayToFountain(text) : text;
    const meta: CorpusMeta = {
      metaVersion: CORPUS_META_VERSION,
      id: sample ? SAMPLE_CORPUS_ID : randomUUID(),
      name: sample ? SAMPLE_CORPUS_NAME : path.basename(filePath, path.extname(filePath)) || name,
      origin,
      source: {
        path: sample || !recordSource ? null : filePath,
        format: extracted.format,
        encoding: extracted.encoding,
        bytes: bytes.length,
      },
      importedAt: new Date().toISOString(),
      included: true,
      readOnly: sample,
      // Of the text as written (before any conversion), so the same play imported twice is still a duplicate.
      contentHash: sha256(text),
      gutenbergStripped: normalised.gutenbergStripped,
      ...(excluded ? { excludedDrafts: excluded } : {}),
      ...(stagePlay ? { convertedFrom: 'stage play' as const } : {}),
      stats: stagePlay
        ? { ...computeStats(stored), kind: 'stage play' }
        : computeStats(text, screenplay ? 'screenplay' : null),
    };
    return { meta, text: stored };
  }

  /** Writes text and metadata into a staging directory, fsyncs, then renames it into place in one step. */
  async #commit({ meta, text }: Prepared): Promise<CorpusMeta> {
    const target = path.join(this.#root, meta.id);
    const staging = tempPathFor(target);
    await mkdir(staging);
    try {
      await writeFileDurable(path.join(staging, TEXT_FILE), text);
      await writeFileDurable(path.join(staging, META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
      await fsyncDirectory(staging);
      // rename refuses a non-empty target, so a corpus directory already on disk is never overwritten.
      await rename(staging, target);
      await fsyncDirectory(this.#root);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw isAppError(error) ? error : new AppError('E_IO', `The corpus could not be saved: ${String(error)}`);
    }
    this.#corpora.set(meta.id, meta);
    return meta;
  }

  async #updateMeta(meta: CorpusMeta, change: Partial<Pick<CorpusMeta, 'name' | 'included'>>): Promise<CorpusMeta> {
    const updated = { ...meta, ...change };
    await writeFileAtomic(path.join(this.#root, meta.id, META_FILE), `${JSON.stringify(updated, null, 2)}\n`);
    this.#corpora.set(meta.id, updated);
    return updated;
  }

  /** A missing or unreadable sample must not stop the app from starting; `sampleError` says why it is absent. */
  async #installSample(samplePath: string): Promise<void> {
    if (this.#corpora.has(SAMPLE_CORPUS_ID)) return;
    try {
      await this.#commit(await this.#prepare(samplePath, 'sample'));
    } catch (error) {
      this.#sampleError = toErrorInfo(error);
    }
  }
}

/** Speaker lines carry the text (a play in `NAME:` layout), not cues that are already Fountain. */
function isStagePlay(text: string): boolean {
  return stageSpeakers(text.split('\n')).length >= 3;
}
