import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CorpusStore, SAMPLE_CORPUS_ID } from '../../../src-main/corpora/corpus-store.ts';
import { useTempDirs } from './helpers/temp-dir.ts';

const tempDir = useTempDirs();
const SAMPLE = fileURLToPath(new URL('../../../resources/corpora/shakespeare.txt', import.meta.url));

async function withCorpus(text = 'Call me Ishmael. Some years ago, never mind how long precisely.\n') {
  const dir = await tempDir();
  const file = path.join(dir, 'moby.txt');
  await writeFile(file, text);
  const data = path.join(dir, 'data');
  const store = await CorpusStore.open(data, { samplePath: null });
  const corpus = await store.importFile(file);
  return { dir, data, store, corpus, file };
}

describe('CorpusStore management', () => {
  it('persists corpora with stats and estimates across reopening', async () => {
    const { data, corpus } = await withCorpus();
    const reopened = await CorpusStore.open(data, {
      samplePath: null,
      charsPerSecondByPreset: { small: 1, medium: 1, large: 1 },
    });
    const [listed] = reopened.list();
    expect(listed).toMatchObject({ id: corpus.id, name: 'moby', included: true, readOnly: false, origin: 'import' });
    expect(listed?.stats).toMatchObject({ chars: 64, words: 11, lines: 1, kind: 'prose' });
    expect(listed?.estimatedTrainingSeconds).toEqual({ small: 64, medium: 64, large: 64 });
  });

  it('previews the start of a corpus without reading it all', async () => {
    const { store, corpus } = await withCorpus(`🎭${'x'.repeat(5000)}`);
    expect(await store.preview(corpus.id, 3)).toEqual({ text: '🎭xx', truncated: true });
    expect((await store.preview(corpus.id, 10_000)).truncated).toBe(false);
  });

  it('renames and toggles inclusion, validating names', async () => {
    const { data, store, corpus } = await withCorpus();
    await store.rename(corpus.id, '  Moby-Dick  ');
    await store.setIncluded(corpus.id, false);
    await expect(store.rename(corpus.id, '   ')).rejects.toMatchObject({ code: 'E_INVALID_INPUT' });
    await expect(store.rename('nope', 'x')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    const reopened = await CorpusStore.open(data, { samplePath: null });
    expect(reopened.get(corpus.id)).toMatchObject({ name: 'Moby-Dick', included: false });
  });

  it('deletes into the trash, restores for undo, and purges later', async () => {
    const { data, store, corpus, file } = await withCorpus();
    await store.delete(corpus.id);
    expect(store.list()).toEqual([]);
    await expect(store.readText(corpus.id)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    expect(await store.restore(corpus.id)).toMatchObject({ id: corpus.id, name: 'moby' });
    expect(await store.readText(corpus.id)).toContain('Ishmael');

    await store.delete(corpus.id);
    const trash = path.join(data, 'corpora-trash');
    expect(await readdir(trash)).toHaveLength(1);
    expect(await store.purgeTrash(60_000)).toBe(0);
    // Reopening with a zero retention purges what was deleted before.
    await CorpusStore.open(data, { samplePath: null, trashRetentionMs: 0 });
    expect(await readdir(trash)).toEqual([]);
    await expect(store.restore(corpus.id)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    // The deleted text no longer counts as a duplicate.
    expect((await store.importFile(file)).id).not.toBe(corpus.id);
  });

  it('cleans leftovers of an interrupted import or metadata write at start-up, and ignores damaged entries', async () => {
    const { data, corpus } = await withCorpus();
    const root = path.join(data, 'corpora');
    await mkdir(path.join(root, '.abc.123.understudy-tmp'));
    await writeFile(path.join(root, '.abc.123.understudy-tmp', 'corpus.txt'), 'half');
    await writeFile(path.join(root, corpus.id, '.meta.json.ff00.understudy-tmp'), '{"trunc');
    await mkdir(path.join(root, 'damaged'));
    await writeFile(path.join(root, 'damaged', 'meta.json'), '{"metaVersion":1}');
    const reopened = await CorpusStore.open(data, { samplePath: null });
    expect(reopened.list().map((c) => c.id)).toEqual([corpus.id]);
    expect((await readdir(root)).sort()).toEqual([corpus.id, 'damaged'].sort());
    expect(await readdir(path.join(root, corpus.id))).toEqual(['corpus.txt', 'meta.json']);
  });

  it('applies a configurable size limit', async () => {
    const { store, file } = await withCorpus('short\n');
    store.setMaxBytes(3);
    await writeFile(file, 'longer text\n');
    await expect(store.importFile(file)).rejects.toMatchObject({ code: 'E_TOO_LARGE' });
    expect(() => store.setMaxBytes(0)).toThrow(expect.objectContaining({ code: 'E_INVALID_INPUT' }));
  });
});

describe('sample corpus', () => {
  it('appears read-only on first launch, once, and can be excluded but not renamed or deleted', async () => {
    const dir = await tempDir();
    const store = await CorpusStore.open(dir, { samplePath: SAMPLE });
    const [sample] = store.list();
    expect(sample).toMatchObject({
      id: SAMPLE_CORPUS_ID,
      name: 'Shakespeare (sample)',
      readOnly: true,
      origin: 'sample',
    });
    expect(sample?.stats.kind).toBe('stage play');
    expect(sample?.stats.characterNames.slice(0, 3)).toContain('GLOUCESTER');
    expect(sample?.stats.chars).toBe(Array.from((await readFile(SAMPLE, 'utf8')).trimEnd()).length + 1);
    await expect(store.rename(SAMPLE_CORPUS_ID, 'Mine')).rejects.toMatchObject({ code: 'E_READ_ONLY' });
    await expect(store.delete(SAMPLE_CORPUS_ID)).rejects.toMatchObject({ code: 'E_READ_ONLY' });
    await store.setIncluded(SAMPLE_CORPUS_ID, false);
    await expect(store.importFile(SAMPLE)).rejects.toMatchObject({ code: 'E_DUPLICATE' });

    const reopened = await CorpusStore.open(dir, { samplePath: SAMPLE });
    expect(reopened.list()).toHaveLength(1);
    expect(reopened.get(SAMPLE_CORPUS_ID).included).toBe(false);
  });

  it('ignores the size limit for the sample, and starts without it if the file is missing', async () => {
    const small = await CorpusStore.open(await tempDir(), { samplePath: SAMPLE, maxBytes: 1024 });
    expect(small.list().map((c) => c.id)).toEqual([SAMPLE_CORPUS_ID]);
    const missing = await CorpusStore.open(await tempDir(), { samplePath: '/nonexistent/shakespeare.txt' });
    expect(missing.list()).toEqual([]);
    expect(missing.sampleError).toMatchObject({ code: 'E_IO' });
  });
});
