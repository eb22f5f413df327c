import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../contract/errors.ts';
import type { DamagedItem } from '../contract/app.ts';
import { decodeText } from '../corpora/decode.ts';
import { removeTempLeftovers, writeFileAtomic } from '../fs/atomic-file.ts';
import { errnoCode } from '../fs/errno.ts';
import { fountainToPdf } from '../export/pdf.ts';
import type { Paper } from '../fountain/paginate.ts';
import { SCRIPT_EXTENSIONS, SCRIPT_SAVE_EXTENSIONS, extensionOf } from '../contract/vocabulary.ts';
import { fdxToFountain, fountainToFdx } from './fdx.ts';
import type {
  FileVersion,
  LineEnding,
  NewDocument,
  OpenedDocument,
  Recovery,
  RecoverySummary,
  SaveResult,
} from './types.ts';

export type * from './types.ts';

const DEFAULT_RECENT_LIMIT = 10;
const PREVIEW_CHARS = 200;

export interface SaveOptions {
  /** The version returned by the last open/save; `null` when the editor believes the file is new. */
  baseVersion: FileVersion | null;
  /** Overwrite even if the file changed on disk (after the writer confirmed). */
  force?: boolean;
  lineEnding?: LineEnding;
  /** The recovery copy this save supersedes (e.g. `untitled:...` after a first save). */
  fromDocKey?: string;
}

/** Larger than any screenplay (a 300-page script is well under 1 MB). */
const MAX_SCRIPT_BYTES = 64 * 1024 * 1024;
/** Where the recent-files list lives: a JSON file by default, the settings store in the app. */
export interface RecentFilesStore {
  read(): Promise<string[]>;
  write(paths: string[]): Promise<void>;
}

export interface DocumentStoreOptions {
  recent?: RecentFilesStore;
  recentLimit?: number;
}

const recoverySchema = z.object({
  version: z.literal(1),
  docKey: z.string().min(1),
  path: z.string().nullable(),
  savedAt: z.string(),
  text: z.string(),
});
type RecoveryFile = z.infer<typeof recoverySchema>;

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The document key at the start of a damaged recovery copy, when that much of it is still legible. */
function legibleDocKey(text: string): string | undefined {
  const quoted = /"docKey":("(?:[^"\\]|\\.)*")/.exec(text)?.[1];
  try {
    return quoted === undefined ? undefined : String(JSON.parse(quoted));
  } catch {
    return undefined;
  }
}

function summarise(file: RecoveryFile): RecoverySummary {
  const chars = Array.from(file.text);
  return {
    docKey: file.docKey,
    path: file.path,
    savedAt: file.savedAt,
    chars: chars.length,
    preview: chars.slice(0, PREVIEW_CHARS).join(''),
  };
}

/** A script file's text as Fountain: a Final Draft file is converted (`E_FDX_INVALID` naming the line if broken). */
function scriptText(bytes: Uint8Array, file: string): string {
  const text = decodeText(bytes, path.basename(file)).text;
  return extensionOf(file) === '.fdx' ? fdxToFountain(text) : text;
}

/** A JSON file holding the recent-files list, written atomically. */
export class JsonRecentFiles implements RecentFilesStore {
  constructor(private readonly file: string) {}

  async read(): Promise<string[]> {
    try {
      const parsed = z.array(z.string()).safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  async write(paths: string[]): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, `${JSON.stringify(paths, null, 2)}\n`);
  }
}

/** Scripts anywhere on disk (a `.fdx` opens converted to Fountain and is never saved over), saved atomically, never over outside edits; recovery copies in the data dir. */
export class DocumentStore {
  readonly #recoveryDir: string;
  readonly #recent: RecentFilesStore;
  readonly #recentLimit: number;
  #recentQueue: Promise<unknown> = Promise.resolve();

  private constructor(dataDir: string, options: DocumentStoreOptions) {
    this.#recoveryDir = path.join(dataDir, 'recovery');
    this.#recent = options.recent ?? new JsonRecentFiles(path.join(dataDir, 'documents', 'recent.json'));
    this.#recentLimit = options.recentLimit ?? DEFAULT_RECENT_LIMIT;
  }

  /** Also removes temp leftovers of interrupted saves next to recent files (others go when next opened). */
  static async open(dataDir: string, options: DocumentStoreOptions = {}): Promise<DocumentStore> {
    const store = new DocumentStore(dataDir, options);
    await mkdir(store.#recoveryDir, { recursive: true });
    await removeTempLeftovers(store.#recoveryDir);
    for (const file of await store.#recent.read()) await removeTempLeftovers(path.dirname(file), path.basename(file));
    return store;
  }

  newDocument(): NewDocument {
    return { docKey: `untitled:${randomUUID()}`, path: null, text: '' };
  }

  async openFile(filePath: string): Promise<OpenedDocument> {
    const absolute = this.#checkPath(filePath);
    await removeTempLeftovers(path.dirname(absolute), path.basename(absolute));
    const { bytes, version } = await this.#readVersion(absolute);
    if (!bytes || !version) throw new AppError('E_NOT_FOUND', `${path.basename(absolute)} no longer exists.`);
    const raw = scriptText(bytes, absolute);
    const text = raw.replace(/\r\n?/g, '\n');
    await this.#remember(absolute);
    const recovery = await this.#readRecoveryFile(absolute);
    const newer = recovery && recovery.text !== text ? summarise(recovery) : null;
    return {
      path: absolute,
      docKey: absolute,
      text,
      lineEnding: raw.includes('\r\n') ? 'crlf' : 'lf',
      version,
      recovery: newer,
    };
  }

  /** Atomically saves `text`; `E_CONFLICT` if the file on disk is not the version the editor last saw. */
  async save(filePath: string, text: string, options: SaveOptions): Promise<SaveResult> {
    const absolute = this.#checkPath(filePath, SCRIPT_SAVE_EXTENSIONS);
    const current = await this.#readVersion(absolute);
    if (current.version && !options.force) {
      const base = options.baseVersion;
      if (base === null) throw new AppError('E_CONFLICT', `${path.basename(absolute)} already exists.`);
      if (base.hash !== current.version.hash) {
        throw new AppError(
          'E_CONFLICT',
          `${path.basename(absolute)} was changed by another program since it was opened.`,
        );
      }
    }
    const output = options.lineEnding === 'crlf' ? text.replace(/\r?\n/g, '\r\n') : text;
    try {
      await mkdir(path.dirname(absolute), { recursive: true });
      await removeTempLeftovers(path.dirname(absolute), path.basename(absolute));
      await writeFileAtomic(absolute, output, current.mode === undefined ? {} : { mode: current.mode });
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError(
        'E_IO',
        `${path.basename(absolute)} could not be saved: ${errnoCode(error) ?? String(error)}.`,
      );
    }
    const saved = await this.#readVersion(absolute);
    if (!saved.version) throw new AppError('E_IO', `${path.basename(absolute)} vanished right after saving.`);
    await this.discardRecovery(absolute);
    if (options.fromDocKey !== undefined && options.fromDocKey !== absolute)
      await this.discardRecovery(options.fromDocKey);
    await this.#remember(absolute);
    return { path: absolute, docKey: absolute, version: saved.version };
  }

  /** Save As: the writer already chose (and confirmed) the target, so an existing file is overwritten. */
  async saveAs(
    filePath: string,
    text: string,
    options: Omit<SaveOptions, 'baseVersion' | 'force'> = {},
  ): Promise<SaveResult> {
    return this.save(filePath, text, { ...options, baseVersion: null, force: true });
  }

  /** Writes the screenplay as Final Draft XML, atomically, to the `.fdx` path the writer chose. */
  async exportFdx(filePath: string, fountain: string): Promise<{ path: string }> {
    return this.#writeExport(filePath, '.fdx', fountainToFdx(fountain));
  }

  /** Writes the screenplay PDF the paginator lays out, atomically, to the `.pdf` path the writer chose. */
  async exportPdf(
    filePath: string,
    fountain: string,
    options: { paper: Paper; sceneNumbers: boolean },
  ): Promise<{ path: string; bytes: number }> {
    const pdf = await fountainToPdf(fountain, options);
    return { ...(await this.#writeExport(filePath, '.pdf', pdf)), bytes: pdf.byteLength };
  }

  async #writeExport(filePath: string, extension: string, data: string | Uint8Array): Promise<{ path: string }> {
    const absolute = path.resolve(filePath);
    if (path.extname(absolute).toLowerCase() !== extension) {
      throw new AppError('E_UNSUPPORTED_TYPE', `${path.basename(absolute)} must be a ${extension} file.`);
    }
    try {
      await writeFileAtomic(absolute, data);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError(
        'E_IO',
        `${path.basename(absolute)} could not be written: ${errnoCode(error) ?? String(error)}.`,
      );
    }
    return { path: absolute };
  }

  /** The file's current version on disk (null if gone), so the editor can notice outside changes. */
  async fileVersion(filePath: string): Promise<FileVersion | null> {
    return (await this.#readVersion(this.#checkPath(filePath))).version;
  }

  /** Autosave target: replaces the document's recovery copy atomically. */
  async writeRecovery(docKey: string, text: string, documentPath: string | null = null): Promise<void> {
    if (docKey === '') throw new AppError('E_INVALID_INPUT', 'A recovery copy needs a document key.');
    const file: RecoveryFile = { version: 1, docKey, path: documentPath, savedAt: new Date().toISOString(), text };
    await writeFileAtomic(this.#recoveryPath(docKey), JSON.stringify(file));
  }

  /** Recovery copies left behind (newest first); copies identical to their saved file are discarded. */
  async listRecoveries(): Promise<RecoverySummary[]> {
    const names = (await readdir(this.#recoveryDir)).filter((name) => name.endsWith('.json'));
    const found: RecoverySummary[] = [];
    for (const name of names) {
      const file = await this.#parseRecovery(path.join(this.#recoveryDir, name));
      if (!file) continue;
      if (file.path !== null && (await this.#matchesDisk(file.path, file.text))) {
        await this.discardRecovery(file.docKey);
        continue;
      }
      found.push(summarise(file));
    }
    return found.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  /** Recovery copies that cannot be read (torn, changed, from another version), named by document key if legible. */
  async listDamagedRecoveries(): Promise<DamagedItem[]> {
    const names = (await readdir(this.#recoveryDir)).filter((name) => name.endsWith('.json'));
    const damaged: DamagedItem[] = [];
    for (const name of names) {
      const file = path.join(this.#recoveryDir, name);
      if (await this.#parseRecovery(file)) continue;
      const id = legibleDocKey(await readFile(file, 'utf8').catch(() => '')) ?? name;
      damaged.push({ kind: 'recovery copy', id, code: 'E_IO', message: `The recovery copy of ${id} is damaged.` });
    }
    return damaged;
  }

  async readRecovery(docKey: string): Promise<Recovery> {
    const file = await this.#readRecoveryFile(docKey);
    if (!file) throw new AppError('E_NOT_FOUND', 'There is no recovered version of that document.');
    return { ...summarise(file), text: file.text };
  }

  async discardRecovery(docKey: string): Promise<void> {
    await rm(this.#recoveryPath(docKey), { force: true });
  }

  async recentFiles(): Promise<string[]> {
    return this.#recent.read();
  }

  async forgetRecent(filePath: string): Promise<string[]> {
    return this.#updateRecent((paths) => paths.filter((p) => p !== path.resolve(filePath)));
  }

  #checkPath(filePath: string, extensions: readonly string[] = SCRIPT_EXTENSIONS): string {
    if (filePath.trim() === '') throw new AppError('E_INVALID_INPUT', 'A document path is required.');
    const absolute = path.resolve(filePath);
    const extension = extensionOf(absolute);
    if (extensions.includes(extension)) return absolute;
    const name = path.basename(absolute);
    if (SCRIPT_EXTENSIONS.includes(extension)) {
      throw new AppError(
        'E_UNSUPPORTED_TYPE',
        `${name} is a Final Draft file: save the script as .fountain, or export it to Final Draft.`,
      );
    }
    throw new AppError('E_UNSUPPORTED_TYPE', `${name} is not a screenplay (${SCRIPT_EXTENSIONS.join(', ')}).`);
  }

  #recoveryPath(docKey: string): string {
    return path.join(this.#recoveryDir, `${sha256(docKey).slice(0, 32)}.json`);
  }

  async #readVersion(absolute: string): Promise<{ bytes?: Buffer; version: FileVersion | null; mode?: number }> {
    try {
      // A pipe or a device (`/dev/zero`) named like a script would block or never end: only regular files are read.
      const info = await stat(absolute);
      if (!info.isFile()) throw new AppError('E_IO', `${path.basename(absolute)} is not a regular file.`);
      if (info.size > MAX_SCRIPT_BYTES)
        throw new AppError('E_TOO_LARGE', `${path.basename(absolute)} is too large for a script.`);
      const bytes = await readFile(absolute);
      return {
        bytes,
        version: { mtimeMs: info.mtimeMs, size: bytes.length, hash: sha256(bytes) },
        mode: info.mode & 0o777,
      };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (errnoCode(error) === 'ENOENT') return { version: null };
      throw new AppError('E_IO', `${path.basename(absolute)} could not be read: ${errnoCode(error) ?? String(error)}.`);
    }
  }

  async #matchesDisk(filePath: string, text: string): Promise<boolean> {
    try {
      const { bytes } = await this.#readVersion(filePath);
      return bytes !== undefined && scriptText(bytes, filePath).replace(/\r\n?/g, '\n') === text;
    } catch {
      return false;
    }
  }

  async #parseRecovery(file: string): Promise<RecoveryFile | null> {
    try {
      const parsed = recoverySchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  async #readRecoveryFile(docKey: string): Promise<RecoveryFile | null> {
    const file = await this.#parseRecovery(this.#recoveryPath(docKey));
    return file?.docKey === docKey ? file : null;
  }

  async #remember(absolute: string): Promise<void> {
    await this.#updateRecent((paths) => [absolute, ...paths.filter((p) => p !== absolute)]);
  }

  #updateRecent(change: (paths: string[]) => string[]): Promise<string[]> {
    const run = this.#recentQueue.then(async () => {
      const next = change(await this.#recent.read()).slice(0, this.#recentLimit);
      await this.#recent.write(next);
      return next;
    });
    this.#recentQueue = run.catch(() => undefined);
    return run;
  }
}
