import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode, ImportReport, Result, SaveResult } from '../../src-main/contract/index.ts';
import { ModelStore } from '../../src-main/engine/model-store.ts';
import { TEMP_MARK, injectFileFault, type FileFault } from '../../src-main/fs/atomic-file.ts';
import { REPO_ROOT, startTestRuntime } from '../support/app-server.ts';
import { recordFigures } from './support/figures.ts';

const ctx = { trusted: true, origin: 'disk-faults-test' };
const FAULTS: { code: FileFault['code']; error: ErrorCode }[] = [
  { code: 'ENOSPC', error: 'E_DISK_FULL' },
  { code: 'EACCES', error: 'E_PERMISSION' },
];

let work: string;
let faultsInjected = 0;

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/** Every temp leftover of an interrupted write under `dir`. */
async function tempLeftovers(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((name) => name.includes(TEMP_MARK));
}

/** Snapshot of every file under `dir`, so "nothing changed" can be checked byte for byte. */
async function contents(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      files.set(path.relative(dir, file), (await readFile(file)).toString('base64'));
    }
  return files;
}

function expectClearError(result: Result<unknown>, code: ErrorCode): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe(code);
  expect(result.error.message).toMatch(/previous version is kept/);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'understudy-disk-faults-'));
});

afterEach(() => injectFileFault(null));

afterAll(async () => {
  recordFigures('disk-faults', {
    crashesInjected: faultsInjected,
    notes: [`${faultsInjected} ENOSPC/EACCES faults injected at the file layer: every write refused with its code`],
  });
  await rm(work, { recursive: true, force: true });
});

describe.each(FAULTS)('$code at the file layer: $error, the old file intact, no temp files', ({ code, error }) => {
  it('every store behind the request table: settings, screenplay, recovery copy, corpus import and rename', async () => {
    const { runtime, dataDir, close } = await startTestRuntime();
    try {
      const script = path.join(work, `${code}.fountain`);
      const saved = value<SaveResult>(
        await runtime.dispatch('documents:saveAs', { path: script, text: 'INT. OLD - DAY\n' }, ctx),
      );
      value(await runtime.dispatch('documents:writeRecovery', { docKey: 'doc', text: 'old recovery' }, ctx));
      const source = path.join(work, `${code}.txt`);
      await writeFile(source, 'A corpus that will not fit on the disk.\n'.repeat(40));
      const corpus = value<ImportReport>(await runtime.dispatch('corpora:importFiles', { paths: [source] }, ctx))
        .imported[0];
      if (!corpus) throw new Error('the corpus was not imported');
      const before = await contents(dataDir);
      const recoveriesBefore = await runtime.dispatch('documents:listRecoveries', undefined, ctx);

      injectFileFault({ code });
      const attempts: [string, Result<unknown>][] = [
        ['settings:update', await runtime.dispatch('settings:update', { theme: 'dark' }, ctx)],
        [
          'documents:save',
          await runtime.dispatch(
            'documents:save',
            { path: script, text: 'INT. NEW - NIGHT\n', baseVersion: saved.version },
            ctx,
          ),
        ],
        [
          'documents:writeRecovery',
          await runtime.dispatch('documents:writeRecovery', { docKey: 'doc', text: 'new' }, ctx),
        ],
        ['corpora:rename', await runtime.dispatch('corpora:rename', { id: corpus.id, name: 'Renamed' }, ctx)],
      ];
      const second = path.join(work, `${code}-second.txt`);
      await writeFile(second, 'Another corpus, also refused.\n'.repeat(40));
      const report = value<ImportReport>(await runtime.dispatch('corpora:importFiles', { paths: [second] }, ctx));
      injectFileFault(null);

      for (const [channel, result] of attempts) {
        faultsInjected += 1;
        expect.soft(result, channel).toMatchObject({ ok: false, error: { code: error } });
        expectClearError(result, error);
      }
      faultsInjected += 1;
      expect(report.imported).toEqual([]);
      expect(report.failed[0]?.error.code).toBe(error);

      expect(await readFile(script, 'utf8')).toBe('INT. OLD - DAY\n');
      expect(await tempLeftovers(dataDir)).toEqual([]);
      expect(await tempLeftovers(work)).toEqual([]);
      expect(await contents(dataDir)).toEqual(before);
      // The services still hold the old state and work once the disk does.
      expect(value<{ theme: string }>(await runtime.dispatch('settings:get', undefined, ctx)).theme).not.toBe('dark');
      expect(await runtime.dispatch('documents:listRecoveries', undefined, ctx)).toEqual(recoveriesBefore);
      expect(await runtime.dispatch('settings:update', { theme: 'dark' }, ctx)).toMatchObject({ ok: true });
      expect(await runtime.dispatch('corpora:rename', { id: corpus.id, name: 'Renamed' }, ctx)).toMatchObject({
        ok: true,
      });
    } finally {
      await close();
    }
  });

  it('the model store: saving a model and renaming it', async () => {
    const modelsDir = path.join(work, `models-${code}`);
    const [bundled] = (await readdir(path.join(REPO_ROOT, 'resources', 'models'), { withFileTypes: true })).filter(
      (e) => e.isDirectory(),
    );
    if (!bundled) throw new Error('no bundled model');
    await cp(path.join(REPO_ROOT, 'resources', 'models', bundled.name), path.join(modelsDir, bundled.name), {
      recursive: true,
    });
    const store = new ModelStore(modelsDir);
    await store.open();
    const loaded = await store.load(bundled.name);
    const before = await contents(modelsDir);

    injectFileFault({ code });
    const { files: _files, formatVersion: _version, ...metadata } = loaded.metadata;
    const saving = store.save({ metadata, codePoints: loaded.codePoints, best: loaded.best, training: null });
    await expect(saving).rejects.toMatchObject({ code: error, message: expect.stringMatching(/previous version/) });
    await expect(store.rename(bundled.name, 'Renamed')).rejects.toMatchObject({ code: error });
    injectFileFault(null);
    faultsInjected += 2;

    expect(await contents(modelsDir)).toEqual(before);
    expect(await tempLeftovers(modelsDir)).toEqual([]);
    expect((await store.load(bundled.name)).metadata.name).toBe(loaded.metadata.name);
    await expect(store.rename(bundled.name, 'Renamed')).resolves.toMatchObject({ name: 'Renamed' });
  });
});
