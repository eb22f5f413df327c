import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants, closeSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A temp tree for path-taking requests: `data/` is the app's data directory, `sandbox/` holds the files a writer
 * might name (documents, corpora, traversal forms, symlinks out, FIFOs), `outside/` must never change.
 */
export interface Sandbox {
  root: string;
  data: string;
  sandbox: string;
  outside: string;
  fifos: string[];
  /** Paths that are safe to name in any request: nothing there blocks or streams forever. */
  safePaths: string[];
  /** FIFOs and device files: reading one blocks or never ends. */
  hazardPaths: string[];
}

export async function createSandbox(): Promise<Sandbox> {
  const root = await mkdtemp(path.join(tmpdir(), 'understudy-fuzz-'));
  const data = path.join(root, 'data');
  const sandbox = path.join(root, 'sandbox');
  const outside = path.join(root, 'outside');
  for (const dir of [data, outside, path.join(sandbox, 'cwd'), path.join(sandbox, 'docs'), path.join(sandbox, 'in')])
    await mkdir(dir, { recursive: true });
  await writeFile(path.join(outside, 'sentinel.fountain'), 'INT. OUTSIDE - DAY\n\nNobody may touch this.\n');
  await writeFile(path.join(outside, 'sentinel.txt'), 'Nobody may touch this either.\n');
  await writeFile(path.join(sandbox, 'docs', 'pilot.fountain'), 'INT. BAR - NIGHT\n\nMAX\nAnother.\n');
  await writeFile(path.join(sandbox, 'in', 'corpus.txt'), 'To be, or not to be, that is the question.\n'.repeat(20));
  await writeFile(path.join(sandbox, 'in', 'nul.txt'), Buffer.from('abc\0\0\0def\xff\xfe', 'latin1'));
  await symlink(path.join(outside, 'sentinel.fountain'), path.join(sandbox, 'docs', 'out.fountain'));
  await symlink(path.join(outside, 'sentinel.txt'), path.join(sandbox, 'in', 'out.txt'));
  await symlink(outside, path.join(sandbox, 'in', 'outside-dir'));
  await symlink(path.join(sandbox, 'in'), path.join(sandbox, 'in', 'loop'));
  const fifos = [path.join(sandbox, 'in', 'pipe.txt'), path.join(sandbox, 'docs', 'pipe.fountain')];
  for (const fifo of fifos) execFileSync('mkfifo', [fifo]);
  await symlink('/dev/zero', path.join(sandbox, 'in', 'zero.txt'));
  await symlink('/dev/zero', path.join(sandbox, 'docs', 'zero.fountain'));
  const safePaths = [
    path.join(sandbox, 'docs', 'pilot.fountain'),
    path.join(sandbox, 'docs', '..', 'docs', 'pilot.fountain'),
    path.join(sandbox, 'docs', 'out.fountain'),
    `${sandbox}/docs/./new.fountain`,
    `${sandbox}//docs//other.fdx`,
    `${sandbox}/docs/print.pdf`,
    `${sandbox}/in/../docs/../in/corpus.txt`,
    path.join(sandbox, 'in'),
    path.join(sandbox, 'in', 'nul.txt'),
    path.join(sandbox, 'in', 'out.txt'),
    path.join(sandbox, 'in', 'outside-dir'),
    path.join(sandbox, 'in', 'missing.md'),
    'relative.fountain',
    './cwd-doc.txt',
    'nested/dir/scene.fountain',
    '/proc/self/environ',
    '/proc/self/status.fountain',
    '/proc/self/mem',
    '/dev/null',
    '/dev/null/x.fountain',
    '/nonexistent-understudy/x.fountain',
    `${sandbox}/docs/\u0000nul.fountain`,
    `${sandbox}/docs/${'long'.repeat(80)}.fountain`,
  ];
  const hazardPaths = [
    ...fifos,
    path.join(sandbox, 'in', 'zero.txt'),
    path.join(sandbox, 'docs', 'zero.fountain'),
    '/dev/zero',
    '/dev/urandom',
    // Writing it fails with ENOSPC; reading it, like /dev/zero, never ends.
    '/dev/full',
  ];
  return { root, data, sandbox, outside, fifos, safePaths, hazardPaths };
}

/** Opens each FIFO for writing and closes it at once, so a reader blocked on it gets end-of-file. */
export function releaseFifos(fifos: readonly string[]): number {
  let released = 0;
  for (const fifo of fifos) {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      released += 1;
    } catch {
      // ENXIO: nobody is reading it.
    }
  }
  return released;
}

/** Every entry under `dir` (symlinks not followed, FIFOs not opened) with what it holds. */
export function snapshot(dir: string): Map<string, string> {
  const entries = new Map<string, string>();
  const visit = (entry: string) => {
    const info = lstatSync(entry);
    if (info.isSymbolicLink()) entries.set(entry, `link:${readlinkSync(entry)}`);
    else if (info.isFIFO()) entries.set(entry, 'fifo');
    else if (info.isFile())
      entries.set(entry, `file:${createHash('sha256').update(readFileSync(entry)).digest('hex')}:${info.mode}`);
    else if (info.isDirectory()) {
      entries.set(entry, 'dir');
      for (const name of readdirSync(entry)) visit(path.join(entry, name));
    } else entries.set(entry, 'other');
  };
  visit(dir);
  return entries;
}

/** Entries created, changed or removed between two snapshots. */
export function changedEntries(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed = new Set<string>();
  for (const [entry, state] of after) if (before.get(entry) !== state) changed.add(entry);
  for (const entry of before.keys()) if (!after.has(entry)) changed.add(entry);
  return [...changed].sort();
}
