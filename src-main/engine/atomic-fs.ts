import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { fsyncDirectory as fsyncDir } from '../fs/atomic-file.ts';
import { basename, dirname, join } from 'node:path';

export function randomSuffix(): string {
  return randomBytes(6).toString('hex');
}

/** Writes and fsyncs one file (the caller arranges atomicity, e.g. inside a temp directory). */
export async function writeFileSynced(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export { writeFileAtomic } from '../fs/atomic-file.ts';

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

/**
 * Puts a fully written (and fsynced) temp directory in place of `target`. The old directory is moved aside
 * first and deleted last; a crash in between leaves `.<name>.old-*`, which recoverDirectory() puts back.
 */
export async function replaceDirectory(tempDir: string, target: string): Promise<void> {
  await fsyncDir(tempDir);
  const parent = dirname(target);
  const aside = join(parent, `.${basename(target)}.old-${randomSuffix()}`);
  let movedAside = false;
  try {
    await rename(target, aside);
    movedAside = true;
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
  await rename(tempDir, target);
  await fsyncDir(parent);
  if (movedAside) await rm(aside, { recursive: true, force: true });
}

export { isErrno };
