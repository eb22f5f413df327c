import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Every temporary file or directory we create ends with this, so start-up cleanup can find leftovers. */
export const TEMP_MARK = '.understudy-tmp';

/** A sibling path in the same directory, so the final rename never crosses a file system. */
export function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  return path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}${TEMP_MARK}`);
}

export function isTempName(name: string): boolean {
  return name.endsWith(TEMP_MARK);
}

/** Temp sibling, fsync, rename, fsync the directory: readers and crashes see the old or the new content, never half. */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  const temp = tempPathFor(target);
  const handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, options.mode ?? 0o644);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
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

/** Writes a file and fsyncs it; for files inside a staging directory that is renamed into place later. */
export async function writeFileDurable(target: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(target, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
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
