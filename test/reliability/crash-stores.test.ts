import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorpusStore } from '../../src-main/corpora/corpus-store.ts';
import { DocumentStore } from '../../src-main/documents/document-store.ts';
import { ModelStore } from '../../src-main/engine/model-store.ts';
import { SettingsStore } from '../../src-main/settings/settings-store.ts';
import { REPO_ROOT } from '../support/app-server.ts';
import { buildStores, CRASH_CHILD } from './support/built-stores.ts';
import { recordFigures } from './support/figures.ts';

const TRIALS_PER_KIND = Number(process.env.RELIABILITY_CRASH_TRIALS ?? 50);
const TEMP_MARK = '.understudy-tmp';
const BUNDLED_MODELS = path.join(REPO_ROOT, 'resources', 'models');
const BUNDLED_MODEL = path.join(
  BUNDLED_MODELS,
  readdirSync(BUNDLED_MODELS, { withFileTypes: true }).find((entry) => entry.isDirectory())?.name ?? 'missing',
);

let work: string;
let buildDir: string;
let crashesInjected = 0;
let itemsLost = 0;
let tornFiles = 0;
let checkpointTrials = 0;
let checkpointsCommitted = 0;

/** Adds one store's losses to the totals and expects none. */
function expectNothingLost(lost: number, torn: number): void {
  itemsLost += lost;
  tornFiles += torn;
  expect({ lost, torn }).toEqual({ lost: 0, torn: 0 });
}
const notes: string[] = [];

/**
 * Starts crash-child.mjs in `mode`, waits until it is writing, SIGKILLs it after a random delay (up to `maxDelayMs`)
 * and resolves with the highest version it said it had committed (-1 for none).
 */
async function killAtRandom(dataDir: string, mode: string, args: string[], maxDelayMs = 300): Promise<number> {
  const child = spawn(process.execPath, [CRASH_CHILD, buildDir, dataDir, mode, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let last = -1;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const match of stdout.matchAll(/committed (\d+)\n/g)) last = Math.max(last, Number(match[1]));
      if (stdout.includes('ready\n')) resolve();
    });
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const outcome = await Promise.race([ready.then(() => 'ready' as const), exited.then(() => 'exited' as const)]);
  if (outcome === 'exited') throw new Error(`crash child (${mode}) ended before it was ready: ${stderr}`);
  await new Promise((resolve) => setTimeout(resolve, Math.random() * maxDelayMs));
  child.kill('SIGKILL');
  await exited;
  crashesInjected += 1;
  return last;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'understudy-crash-trials-'));
  buildDir = path.join(work, 'build');
  await buildStores(buildDir);
});

afterAll(async () => {
  notes.push(
    `${checkpointTrials} of them during a training checkpoint save (${checkpointsCommitted} checkpoints committed)`,
  );
  recordFigures('crash-stores', { crashesInjected, itemsLost, tornFiles, notes });
  await rm(work, { recursive: true, force: true });
});

describe(`SIGKILL at random points, ${TRIALS_PER_KIND} times per store: every file is the old or the new version`, () => {
  it('corpus import: every corpus listed is whole, every committed import is listed, no leftovers', async () => {
    let [lost, torn] = [0, 0];
    const source = path.join(work, 'import-source');
    await mkdir(source, { recursive: true });
    let committed = new Set<string>();
    let total = 0;
    let data = '';
    for (let trial = 0; trial < TRIALS_PER_KIND; trial += 1) {
      // A fresh library every ten crashes: the checks read every corpus, and a library of thousands would be slow.
      if (trial % 10 === 0) {
        total += committed.size;
        committed = new Set();
        data = path.join(work, `import-data-${trial}`);
      }
      const last = await killAtRandom(data, 'loop-import', [source, `t${trial}`], 600);
      for (let n = 0; n <= last; n += 1) committed.add(`t${trial}-${n}`);
      const store = await CorpusStore.open(data, { samplePath: null });
      const listed = new Map(store.list().map((corpus) => [corpus.name, corpus]));
      for (const corpus of listed.values()) {
        const text = await store.readText(corpus.id);
        if (createHash('sha256').update(text).digest('hex') !== corpus.contentHash) torn += 1;
      }
      for (const name of committed) if (!listed.has(name)) lost += 1;
      const entries = await readdir(path.join(data, 'corpora'), { withFileTypes: true });
      const unlisted = entries.filter(
        (e) =>
          e.isDirectory() &&
          !e.name.startsWith('.') &&
          !e.name.endsWith(TEMP_MARK) &&
          !store.list().some((c) => c.id === e.name),
      );
      torn += unlisted.length;
      expect(entries.filter((e) => e.name.endsWith(TEMP_MARK))).toEqual([]);
    }
    notes.push(`${total + committed.size} corpora committed`);
    expectNothingLost(lost, torn);
  });

  it('document save: the screenplay holds one whole version, never older than the last committed save', async () => {
    let [lost, torn] = [0, 0];
    const data = path.join(work, 'save-data');
    const dir = path.join(work, 'save-docs');
    await mkdir(dir, { recursive: true });
    const document = path.join(dir, 'screenplay.fountain');
    await writeFile(document, 'VERSION 0\nEND 0\n');
    let committed = 0;
    for (let trial = 0; trial < TRIALS_PER_KIND; trial += 1) {
      committed = Math.max(committed, await killAtRandom(data, 'loop-save', [document, '400000']));
      const text = await readFile(document, 'utf8');
      const version = Number(/^VERSION (\d+)\n/.exec(text)?.[1] ?? Number.NaN);
      if (!text.endsWith(`END ${version}\n`)) torn += 1;
      if (!(version >= committed)) lost += 1;
      const store = await DocumentStore.open(data);
      await store.openFile(document);
      await store.save(document, text, { baseVersion: (await store.openFile(document)).version });
    }
    expect((await readdir(dir)).filter((name) => name.endsWith(TEMP_MARK))).toEqual([]);
    expectNothingLost(lost, torn);
  });

  it('model save: the model loads with matching checksums, at the last committed version or the next', async () => {
    let [lost, torn] = [0, 0];
    const data = path.join(work, 'model-data');
    const id = path.basename(BUNDLED_MODEL);
    let committed = 0;
    for (let trial = 0; trial < TRIALS_PER_KIND; trial += 1) {
      committed = Math.max(committed, await killAtRandom(data, 'loop-model', [BUNDLED_MODEL]));
      const store = new ModelStore(path.join(data, 'models'));
      await store.open();
      const { models, damaged } = await store.list();
      torn += damaged.length;
      if (!models.some((model) => model.id === id)) {
        lost += 1;
        continue;
      }
      const loaded = await store.load(id);
      const version = Number(loaded.metadata.name.replace(/^v/, ''));
      if (loaded.best[0]?.[0] !== version && committed > 0) torn += 1;
      if (!(version >= committed) && committed > 0) lost += 1;
    }
    expectNothingLost(lost, torn);
  });

  it('training checkpoint save: the checkpoint resumes, whole, at the last committed step or the next', async () => {
    let [lost, torn] = [0, 0];
    const data = path.join(work, 'checkpoint-data');
    const id = path.basename(BUNDLED_MODEL);
    let committed = 0;
    for (let trial = 0; trial < TRIALS_PER_KIND; trial += 1) {
      committed = Math.max(committed, await killAtRandom(data, 'loop-checkpoint', [BUNDLED_MODEL], 1500));
      const store = new ModelStore(path.join(data, 'models'));
      await store.open();
      const { damaged } = await store.list();
      torn += damaged.length;
      if (committed === 0) continue;
      const resumed = await store.loadTraining(id).catch(() => null);
      if (!resumed) {
        lost += 1;
        continue;
      }
      const { step } = resumed.training.state;
      const whole = [resumed.best, resumed.training.weights, resumed.training.m, resumed.training.v].every(
        (arrays) => arrays[0]?.[0] === step,
      );
      if (!whole || resumed.metadata.name !== `v${step}`) torn += 1;
      if (!(step >= committed)) lost += 1;
    }
    checkpointTrials = TRIALS_PER_KIND;
    checkpointsCommitted = committed;
    expectNothingLost(lost, torn);
  });

  it('settings write: settings.json parses, nothing set aside as corrupt, the last committed change is kept', async () => {
    let [lost, torn] = [0, 0];
    const data = path.join(work, 'settings-data');
    let committed = 0;
    for (let trial = 0; trial < TRIALS_PER_KIND; trial += 1) {
      committed = Math.max(committed, await killAtRandom(data, 'loop-settings', []));
      const corrupt = (await readdir(data)).filter((name) => name.includes('.corrupt-'));
      torn += corrupt.length;
      const settings = (await SettingsStore.openInDirectory(data)).get();
      const version = Number(/\/crash\/(\d+)\.fountain/.exec(settings.recentFiles[0] ?? '')?.[1] ?? 0);
      if (version < committed) lost += 1;
    }
    expectNothingLost(lost, torn);
  });
});
