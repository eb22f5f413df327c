import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from './errno.ts';

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
  const handle = await open(target, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, options.mode ?? 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
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
    throw error;
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
