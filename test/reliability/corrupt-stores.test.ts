import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_CORPUS_ID, type DamagedItem, type Result } from '../../src-main/contract/index.ts';
import { startTestRuntime } from '../support/app-server.ts';
import { recordFigures } from './support/figures.ts';

type Corruption = 'truncate' | 'flip bytes' | 'invalid JSON' | 'wrong version';
const BINARY: Corruption[] = ['truncate', 'flip bytes'];
const JSON_FILE: Corruption[] = ['truncate', 'flip bytes', 'invalid JSON', 'wrong version'];
const SECOND_MODEL = 'm-second-copy';
const ctx = { trusted: true, origin: 'corrupt-test' };

interface Pristine {
  dir: string;
  corpusIds: string[];
  modelIds: string[];
}

let work: string;
let pristine: Pristine;
let inputsTried = 0;
let named = 0;

function corrupt(bytes: Buffer, how: Corruption): Buffer {
  if (how === 'truncate') return bytes.subarray(0, Math.floor(bytes.length / 2));
  if (how === 'invalid JSON') return Buffer.from('{"broken": ');
  if (how === 'flip bytes') {
    const copy = Buffer.from(bytes);
    const mid = Math.floor(copy.length / 2);
    for (let i = Math.max(0, mid - 2); i < Math.min(copy.length, mid + 3); i += 1) copy[i] = (copy[i] ?? 0) ^ 0xff;
    return copy;
  }
  const value = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  const keys = ['formatVersion', 'metaVersion', 'schemaVersion', 'version'].filter((key) => key in value);
  for (const key of keys.length ? keys : ['version']) value[key] = 999;
  return Buffer.from(JSON.stringify(value));
}

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/** A data directory with three corpora, two models, two recovery copies and changed settings. */
async function makePristine(): Promise<Pristine> {
  const dir = path.join(work, 'pristine');
  await writeFile(path.join(work, 'a.txt'), 'It is a truth universally acknowledged.\n'.repeat(50));
  await writeFile(path.join(work, 'b.fountain'), 'INT. BAR - NIGHT\n\nMAX\nAnother.\n\nJO\nNo.\n'.repeat(20));
  await writeFile(path.join(work, 'c.md'), '# Notes\n\nA third corpus, in Markdown.\n'.repeat(30));
  const { runtime, close } = await startTestRuntime({ dataDir: dir });
  const report = value<{ imported: { id: string }[] }>(
    await runtime.dispatch(
      'corpora:importFiles',
      { paths: ['a.txt', 'b.fountain', 'c.md'].map((f) => path.join(work, f)) },
      ctx,
    ),
  );
  for (const docKey of ['doc-1', 'doc-2'])
    value(await runtime.dispatch('documents:writeRecovery', { docKey, text: `EXT. ${docKey} - DAY\n` }, ctx));
  value(await runtime.dispatch('settings:update', { theme: 'dark' }, ctx));
  await close();
  const models = path.join(dir, 'models');
  const [first] = (await readdir(models)).filter((name) => !name.startsWith('.'));
  if (!first) throw new Error('the bundled model was not installed');
  await cp(path.join(models, first), path.join(models, SECOND_MODEL), { recursive: true });
  const metadataFile = path.join(models, SECOND_MODEL, 'metadata.json');
  const metadata = JSON.parse(await readFile(metadataFile, 'utf8')) as Record<string, unknown>;
  await writeFile(metadataFile, JSON.stringify({ ...metadata, id: SECOND_MODEL, name: 'Second copy' }));
  return { dir, corpusIds: report.imported.map((c) => c.id), modelIds: [first, SECOND_MODEL] };
}

interface Case {
  kind: string;
  /** The kind the damaged-items list gives it. */
  item: DamagedItem['kind'];
  /** The file to damage, relative to the data directory. */
  file: (p: Pristine) => string;
  how: Corruption[];
  /** What may identify the broken item in the damaged-items list (its id, its file name). */
  names: (p: Pristine) => string[];
}

const brokenCorpus = (p: Pristine) => p.corpusIds[0] ?? '';
// The document store names a recovery copy after a hash of its document key.
const recoveryFileOf = (docKey: string) => `${createHash('sha256').update(docKey).digest('hex').slice(0, 32)}.json`;
const CASES: Case[] = [
  {
    kind: 'corpus meta.json',
    item: 'corpus',
    file: (p) => `corpora/${brokenCorpus(p)}/meta.json`,
    how: JSON_FILE,
    names: (p) => [brokenCorpus(p)],
  },
  {
    kind: 'corpus text',
    item: 'corpus',
    file: (p) => `corpora/${brokenCorpus(p)}/corpus.txt`,
    how: BINARY,
    names: (p) => [brokenCorpus(p)],
  },
  {
    kind: 'model metadata.json',
    item: 'model',
    file: () => `models/${SECOND_MODEL}/metadata.json`,
    how: JSON_FILE,
    names: () => [SECOND_MODEL],
  },
  {
    kind: 'model vocab.json',
    item: 'model',
    file: () => `models/${SECOND_MODEL}/vocab.json`,
    how: JSON_FILE,
    names: () => [SECOND_MODEL],
  },
  {
    kind: 'model weights.bin',
    item: 'model',
    file: () => `models/${SECOND_MODEL}/weights.bin`,
    how: BINARY,
    names: () => [SECOND_MODEL],
  },
  { kind: 'settings.json', item: 'settings', file: () => 'settings.json', how: JSON_FILE, names: () => ['settings'] },
  {
    kind: 'recovery copy',
    item: 'recovery copy',
    file: () => `recovery/${recoveryFileOf('doc-1')}`,
    how: JSON_FILE,
    // Its document key while that much is legible, else its file name.
    names: () => ['doc-1', recoveryFileOf('doc-1')],
  },
];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'understudy-corrupt-'));
  pristine = await makePristine();
});

afterAll(async () => {
  recordFigures('corrupt-stores', {
    inputsTried,
    notes: [`${named} of ${inputsTried} damaged files named to the writer by app:listDamaged`],
  });
  await rm(work, { recursive: true, force: true });
});

describe('a damaged stored file: the app starts, everything else works', () => {
  const cases = CASES.flatMap((c) => c.how.map((how) => ({ ...c, corruption: how })));
  it.each(cases)('$kind, $corruption', async ({ file, corruption, names, kind, item }) => {
    inputsTried += 1;
    const dir = path.join(work, `case-${inputsTried}`);
    await cp(pristine.dir, dir, { recursive: true });
    const target = path.join(dir, file(pristine));
    await writeFile(target, corrupt(await readFile(target), corruption));

    const { runtime, close } = await startTestRuntime({ dataDir: dir });
    try {
      expect(await runtime.dispatch('app:ping', { echo: 'up' }, ctx)).toMatchObject({ ok: true });
      const corpora = value<{ id: string }[]>(await runtime.dispatch('corpora:list', undefined, ctx)).map((c) => c.id);
      const intactCorpora = [SAMPLE_CORPUS_ID, ...pristine.corpusIds.slice(1)];
      expect(corpora).toEqual(expect.arrayContaining(intactCorpora));
      for (const id of intactCorpora)
        expect(await runtime.dispatch('corpora:preview', { id, maxChars: 100 }, ctx)).toMatchObject({ ok: true });
      const models = value<{ id: string }[]>(await runtime.dispatch('models:list', undefined, ctx)).map((m) => m.id);
      expect(models).toEqual(expect.arrayContaining(pristine.modelIds.slice(0, 1)));
      expect(await runtime.dispatch('models:setActive', { id: pristine.modelIds[0] }, ctx)).toMatchObject({ ok: true });
      const recoveries = value<{ docKey: string }[]>(
        await runtime.dispatch('documents:listRecoveries', undefined, ctx),
      );
      expect(recoveries.length).toBeGreaterThanOrEqual(kind === 'recovery copy' ? 1 : 2);
      expect(await runtime.dispatch('settings:update', { theme: 'light' }, ctx)).toMatchObject({ ok: true });
      const saved = path.join(dir, 'after.fountain');
      expect(await runtime.dispatch('documents:saveAs', { path: saved, text: 'INT. AFTER\n' }, ctx)).toMatchObject({
        ok: true,
      });
      // The broken model answers with a code when used, never with torn weights.
      if (kind.startsWith('model')) {
        const used = await runtime.dispatch('models:setActive', { id: SECOND_MODEL }, ctx);
        if (!used.ok) expect(used.error.code).toMatch(/^E_MODEL_/);
      }
      if (kind.startsWith('corpus')) expect(corpora).not.toContain(brokenCorpus(pristine));
      // Named to the writer with a code, and nothing intact is named with it.
      const damaged = value<DamagedItem[]>(await runtime.dispatch('app:listDamaged', undefined, ctx));
      expect(damaged).toHaveLength(1);
      expect(names(pristine)).toContain(damaged[0]?.id);
      expect(damaged[0]).toMatchObject({ kind: item, code: expect.stringMatching(/^E_[A-Z_]+$/) });
      expect(damaged[0]?.message.length).toBeGreaterThan(10);
      named += 1;
    } finally {
      await close();
    }
  });

  it('an intact library names nothing', async () => {
    const dir = path.join(work, 'intact');
    await cp(pristine.dir, dir, { recursive: true });
    const { runtime, close } = await startTestRuntime({ dataDir: dir });
    try {
      expect(await runtime.dispatch('app:listDamaged', undefined, ctx)).toEqual({ ok: true, value: [] });
    } finally {
      await close();
    }
  });
});
