import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../contract/errors.ts';
import { errnoCode } from './errno.ts';

/** A failure the file layer can be told to produce, as the disk would: EACCES on open, ENOSPC halfway through a write. */
export interface FileFault {
  code: 'ENOSPC' | 'EACCES';
  /** Which writes fail (default: every one). */
  matches?: (target: string) => boolean;
}

let fault: FileFault | null = null;

/** Test-only seam: every durable write whose target `matches` fails with `code` until this is called with null. */
export function injectFileFault(next: FileFault | null): void {
  fault = next;
}

function faultFor(target: string): FileFault | null {
  return fault && (fault.matches?.(target) ?? true) ? fault : null;
}

function errnoError(code: string, target: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected fault, open '${target}'`), { code, path: target });
}

/** ENOSPC and EACCES as the writer should read them; anything else is passed through unchanged. */
export function writeError(error: unknown, target: string): unknown {
  if (error instanceof AppError) return error;
  const code = errnoCode(error);
  const base = path.basename(target);
  // A temp sibling is named after its target: `.<name>.<suffix>.understudy-tmp`.
  const name = isTempName(base) ? base.slice(1).replace(/\.[0-9a-f]{12}\.understudy-tmp$/, '') : base;
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new AppError('E_DISK_FULL', `The disk is full: ${name} could not be saved. The previous version is kept.`);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new AppError('E_PERMISSION', `Permission denied: ${name} could not be saved. The previous version is kept.`);
  return error;
}

/** Every temporary file or directory we create ends with this, so start-up cleanup can find leftovers. */
export const TEMP_MARK = '.understudy-tmp';

/** 12 hex characters, for names that must not meet another in the same directory. */
export function randomSuffix(): string {
  return randomBytes(6).toString('hex');
}

/** A sibling path in the same directory, so the final rename never crosses a file system. */
export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomSuffix()}${TEMP_MARK}`);
}

export function isTempName(name: string): boolean {
  return name.endsWith(TEMP_MARK);
}

/** Creates a new file (never over an existing one) and fsyncs it; on its own it is not atomic. */
export async function writeFileDurable(
  target: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  const injected = faultFor(target);
  if (injected?.code === 'EACCES') throw writeError(errnoError('EACCES', target), target);
  let handle;
  try {
    handle = await open(target, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, options.mode ?? 0o644);
  } catch (error) {
    throw writeError(error, target);
  }
  try {
    if (injected?.code === 'ENOSPC') {
      await handle.writeFile(data.slice(0, Math.floor(data.length / 2)));
      throw errnoError('ENOSPC', target);
    }
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    throw writeError(error, target);
  } finally {
    await handle.close();
  }
}

/** Temp sibling, fsync, rename, fsync the directory: readers and crashes see the old or the new content, never half. */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  const temp = tempPathFor(target);
  try {
    await writeFileDurable(temp, data, options);
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw writeError(error, target);
  }
  await fsyncDirectory(path.dirname(target));
}

/** Makes a rename durable; platforms that cannot open a directory (Windows) simply skip it. */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    return;
  } finally {
    await handle?.close();
  }
}

const MOVED_ASIDE = /^\.(.+)\.old-[0-9a-f]+$/;

/**
 * Puts a fully written temp directory in place of `target`. The old directory is moved aside first and deleted
 * last; a crash in between leaves `.<name>.old-*`, which `movedAsideFrom` names for the caller to put back.
 */
export async function replaceDirectory(tempDir: string, target: string): Promise<void> {
  await fsyncDirectory(tempDir);
  const parent = path.dirname(target);
  const aside = path.join(parent, `.${path.basename(target)}.old-${randomSuffix()}`);
  let movedAside = false;
  try {
    await rename(target, aside);
    movedAside = true;
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
  await rename(tempDir, target);
  await fsyncDirectory(parent);
  if (movedAside) await rm(aside, { recursive: true, force: true });
}

/** The directory name an interrupted `replaceDirectory` moved `entry` aside from, if it is such a leftover. */
export function movedAsideFrom(entry: string): string | undefined {
  return MOVED_ASIDE.exec(entry)?.[1];
}

/** Deletes temp leftovers of interrupted writes in `dir` (optionally only those of one file name). */
export async function removeTempLeftovers(dir: string, forName?: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  const prefix = forName === undefined ? '' : `.${forName}.`;
  const leftovers = names.filter((name) => isTempName(name) && name.startsWith(prefix));
  await Promise.all(leftovers.map((name) => rm(path.join(dir, name), { recursive: true, force: true })));
  return leftovers.length;
}
