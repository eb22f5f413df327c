import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorpusStore } from '../../src-main/corpora/corpus-store.ts';
import { DocumentStore } from '../../src-main/documents/document-store.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = path.join(ROOT, 'test/fixtures/corpora/crash-child.mjs');
const TEMP_MARK = '.understudy-tmp';
const CORPUS_CHARS = 2_000_000;
const DOCUMENT_CHARS = 4_000_000;

let work: string;
let buildDir: string;

/** Builds the stores to plain ESM with vite, so a Node child process can run the real code. */
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'understudy-crash-'));
  buildDir = path.join(work, 'build');
  await build({
    configFile: false,
    logLevel: 'silent',
    root: ROOT,
    build: {
      ssr: true,
      outDir: buildDir,
      emptyOutDir: true,
      minify: false,
      rolldownOptions: {
        input: {
          'corpus-store': path.join(ROOT, 'src-main/corpora/corpus-store.ts'),
          'document-store': path.join(ROOT, 'src-main/documents/document-store.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  });
  // Bare imports (zod, chardet, ...) in the build resolve through the repository's node_modules.
  await symlink(path.join(ROOT, 'node_modules'), path.join(buildDir, 'node_modules'), 'dir');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, [CHILD, buildDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Polls `dir` until a temp entry appears, then SIGKILLs the child; resolves with that entry's name. */
async function killWhenTempAppears(child: ChildProcess, dir: string, timeoutMs = 30_000): Promise<string> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let done = false;
  void exited.then(() => (done = true));
  const deadline = Date.now() + timeoutMs;
  while (!done && Date.now() < deadline) {
    const names = await readdir(dir).catch(() => [] as string[]);
    const temp = names.find((name) => name.endsWith(TEMP_MARK));
    if (temp) {
      child.kill('SIGKILL');
      await exited;
      return temp;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  child.kill('SIGKILL');
  await exited;
  throw new Error(`no temp entry appeared in ${dir} before the child ended: ${stderr}`);
}

function bigText(seed: number): string {
  const line = `Corpus ${seed}: the quick brown fox jumps over the lazy dog.\n`;
  return line.repeat(Math.ceil(CORPUS_CHARS / line.length));
}

describe('a process killed mid-write leaves the stores consistent', () => {
  it('kills an import while it is writing: nothing half-imported, leftovers cleaned, re-import works', async () => {
    const dir = await mkdtemp(path.join(work, 'import-'));
    const data = path.join(dir, 'data');
    const files = [1, 2, 3].map((n) => path.join(dir, `big-${n}.txt`));
    await Promise.all(files.map((file, i) => writeFile(file, bigText(i))));
    await mkdir(path.join(data, 'corpora'), { recursive: true });

    const leftover = await killWhenTempAppears(run([data, 'import', ...files]), path.join(data, 'corpora'));
    expect(await readdir(path.join(data, 'corpora'))).toContain(leftover);

    const store = await CorpusStore.open(data, { samplePath: null });
    const entries = await readdir(path.join(data, 'corpora'));
    expect(entries.filter((name) => name.endsWith(TEMP_MARK))).toEqual([]);
    expect(entries.sort()).toEqual(
      store
        .list()
        .map((c) => c.id)
        .sort(),
    );
    for (const corpus of store.list()) {
      const text = await store.readText(corpus.id);
      expect(createHash('sha256').update(text).digest('hex')).toBe(corpus.contentHash);
    }
    const report = await store.importPaths(files);
    expect(report.failed).toEqual([]);
    expect(report.duplicates.length + report.imported.length).toBe(3);
    expect(store.list()).toHaveLength(3);
  });

  it('kills a document save while it is writing: the file holds one whole version, the recovery copy survives', async () => {
    const dir = await mkdtemp(path.join(work, 'save-'));
    const data = path.join(dir, 'data');
    const document = path.join(dir, 'screenplay.fountain');
    await writeFile(document, 'VERSION 1\nEND 1\n');

    await killWhenTempAppears(run([data, 'save', document, String(DOCUMENT_CHARS)]), dir);
    expect((await readdir(dir)).some((name) => name.endsWith(TEMP_MARK))).toBe(true);

    const text = await readFile(document, 'utf8');
    const version = Number(/^VERSION (\d+)\n/.exec(text)?.[1]);
    expect(text.endsWith(`END ${version}\n`)).toBe(true);
    if (version > 1)
      expect(text.length).toBe(`VERSION ${version}\n`.length + DOCUMENT_CHARS + `\nEND ${version}\n`.length);

    const store = await DocumentStore.open(data);
    const opened = await store.openFile(document);
    expect((await readdir(dir)).filter((name) => name.endsWith(TEMP_MARK))).toEqual([]);
    // The autosave written just before the interrupted save is offered back.
    expect(opened.recovery?.preview).toMatch(/^VERSION \d+\n/);
    await store.save(document, 'VERSION final\n', { baseVersion: opened.version });
    expect(await readFile(document, 'utf8')).toBe('VERSION final\n');
  });
});
