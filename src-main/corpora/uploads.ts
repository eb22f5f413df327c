import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { AppError } from '../contract/errors.ts';
import { errnoCode } from '../fs/errno.ts';
import type { CorpusStore } from './corpus-store.ts';
import type { ImportReport } from './types.ts';

export interface Upload {
  /** The file's own name, as the browser reports it (no folders). */
  name: string;
  base64: string;
}

/**
 * Imports files that arrive as bytes (a browser's file picker or drop) through the same pipeline as files on disk:
 * each is written under its own name to a private temp folder, imported, and the folder removed.
 */
export async function importUploads(store: CorpusStore, uploads: readonly Upload[]): Promise<ImportReport> {
  const dir = await mkdtemp(join(tmpdir(), 'understudy-upload-'));
  try {
    const names = new Map<string, string>();
    const paths: string[] = [];
    for (const [index, upload] of uploads.entries()) {
      // One folder per upload keeps two files of the same name apart; the name keeps its extension for the format.
      const folder = join(dir, String(index));
      const name = basename(upload.name.replaceAll('\\', '/'));
      // `.` and `..` name a folder, not a file: such an upload is imported under a name with no format.
      const path = join(folder, name === '' || name === '.' || name === '..' ? 'untitled' : name);
      await mkdir(folder);
      await writeFile(path, Buffer.from(upload.base64, 'base64')).catch((error: unknown) => {
        throw new AppError('E_IO', `${upload.name} could not be received: ${errnoCode(error) ?? String(error)}.`);
      });
      names.set(path, upload.name);
      paths.push(path);
    }
    const report = await store.importPaths(paths, { recordSource: false });
    const original = (path: string) => names.get(path) ?? basename(path);
    return {
      imported: report.imported,
      duplicates: report.duplicates.map((d) => ({ ...d, path: original(d.path) })),
      failed: report.failed.map((f) => ({ ...f, path: original(f.path) })),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
