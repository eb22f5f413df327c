import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AppError } from '../../../src-main/contract/errors.ts';
import { COPY_INDEX_FILE, loadOrBuildCopyIndex } from '../../../src-main/engine/copy-index-store.ts';
import { CopyIndex } from '../../../src-main/engine/copy-index.ts';
import { Rng } from '../../../src-main/engine/rng.ts';

const SAMPLE = fileURLToPath(new URL('../../../resources/corpora/shakespeare.txt', import.meta.url));

const WORDS = ['the', 'night', 'door', 'opens', 'and', 'she', 'waits', 'rain', 'on', 'glass', 'I', 'do', 'not', 'know'];

/** Seeded lower-case prose from a small word list, with a few astral characters so offsets are tested in UTF-16. */
function prose(rng: Rng, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    out.push(WORDS[rng.int(WORDS.length)] ?? 'x');
    if (rng.int(9) === 0) out.push(rng.int(2) === 0 ? '.\n' : '🎬');
  }
  return out.join(' ');
}

/** Every K-code-point window of the texts, the slow exact truth the index must agree with. */
function exactWindows(texts: readonly string[], k: number): Set<string> {
  const windows = new Set<string>();
  for (const text of texts) {
    const cps = Array.from(text);
    for (let i = 0; i + k <= cps.length; i++) windows.add(cps.slice(i, i + k).join(''));
  }
  return windows;
}

function expectCorrupt(run: () => unknown): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(AppError);
  expect((thrown as AppError).code).toBe('E_MODEL_CORRUPT');
}

const PASSAGE = 'Tomorrow, and tomorrow, and tomorrow, creeps in this petty pace from day to day';

describe('CopyIndex', () => {
  const rng = Rng.fromSeed(3);
  const corpus = [`${prose(rng, 300)} ${PASSAGE} ${prose(rng, 300)}`, prose(rng, 200)];
  const index = CopyIndex.build(corpus, 16);

  test('marks a planted passage verbatim, at its offsets', () => {
    const before = 'QZX 🎬 QZX';
    const draft = `${before}${PASSAGE}XQZ`;
    expect(index.markSpans(draft)).toEqual([{ from: before.length, to: before.length + PASSAGE.length }]);
    const draftChars = Array.from(draft).length;
    expect(index.novelty(draft)).toBeCloseTo(1 - PASSAGE.length / draftChars, 10);
  });

  test('does not mark phrases shorter than the window', () => {
    const draft = 'XQ the night door XQ and she waits XQ on glass XQ I do not know XQ Tomorrow, and XQ';
    expect(index.markSpans(draft)).toEqual([]);
    expect(index.novelty(draft)).toBe(1);
    expect(index.novelty('creeps in this')).toBe(1);
    expect(index.novelty('')).toBe(1);
  });

  test('a copy that starts in the prime counts', () => {
    const matcher = index.matcher(`XQZ${PASSAGE.slice(0, 10)}`);
    const rest = Array.from(PASSAGE.slice(10));
    const hits = rest.map((ch) => {
      const hit = matcher.wouldCopy(ch);
      matcher.push(ch);
      return hit;
    });
    expect(hits.slice(0, 5)).toEqual([false, false, false, false, false]);
    expect(hits.slice(5).every(Boolean)).toBe(true);
  });

  test('wouldCopy asks without moving the cursor', () => {
    const matcher = index.matcher(PASSAGE.slice(0, 15));
    expect(matcher.wouldCopy('Q')).toBe(false);
    expect(matcher.wouldCopy(PASSAGE[15] ?? '')).toBe(true);
    expect(matcher.wouldCopy(PASSAGE[15] ?? '')).toBe(true);
    expect(() => matcher.wouldCopy('ab')).toThrow(AppError);
  });

  test('wouldCopy, markSpans and the exact set of windows agree on random drafts', () => {
    for (const k of [1, 3, 8, 16, 24]) {
      const texts = k === 16 ? corpus : [prose(rng, 400), `${PASSAGE}🎬${PASSAGE.toUpperCase()}`];
      const built = CopyIndex.build(texts, k);
      const truth = exactWindows(texts, k);
      const flat = texts.join(' ');
      for (let trial = 0; trial < 25; trial++) {
        let draft = '';
        while (draft.length < 400) {
          const start = rng.int(flat.length);
          draft += rng.int(3) === 0 ? prose(rng, 1 + rng.int(4)) : flat.slice(start, start + 5 + rng.int(60));
          if (rng.int(4) === 0) draft += 'XQ';
        }
        const matcher = built.matcher();
        const cps = Array.from(draft);
        const covered = new Array<boolean>(cps.length).fill(false);
        cps.forEach((ch, i) => {
          const inCorpus = i + 1 >= k && truth.has(cps.slice(i + 1 - k, i + 1).join(''));
          expect(matcher.wouldCopy(ch)).toBe(inCorpus);
          if (inCorpus) covered.fill(true, i + 1 - k, i + 1);
          matcher.push(ch);
        });
        const marked = new Array<boolean>(cps.length).fill(false);
        const unitToCp = new Map<number, number>();
        let unit = 0;
        cps.forEach((ch, i) => {
          unitToCp.set(unit, i);
          unit += ch.length;
        });
        unitToCp.set(unit, cps.length);
        for (const span of built.markSpans(draft)) {
          marked.fill(true, unitToCp.get(span.from), unitToCp.get(span.to));
        }
        expect(marked).toEqual(covered);
      }
    }
  });

  test('serialize and deserialize round-trip', () => {
    const copy = CopyIndex.deserialize(index.serialize());
    expect(copy.windowChars).toBe(16);
    expect(copy.corpusChars).toBe(index.corpusChars);
    expect(copy.corpusHash).toBe(index.corpusHash);
    expect(copy.fits(corpus, 16)).toBe(true);
    expect(copy.fits(corpus, 17)).toBe(false);
    expect(copy.fits([corpus[0] ?? ''], 16)).toBe(false);
    const draft = `QZX ${PASSAGE} ${prose(rng, 50)}`;
    expect(copy.markSpans(draft)).toEqual(index.markSpans(draft));
  });

  test('a flipped byte, a truncation or a foreign file throws E_MODEL_CORRUPT', () => {
    const bytes = index.serialize();
    for (const at of [0, 5, 9, 13, 17, 25, 40, 60, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const damaged = bytes.slice();
      damaged[at] = (damaged[at] ?? 0) ^ 0x10;
      expectCorrupt(() => CopyIndex.deserialize(damaged));
    }
    expectCorrupt(() => CopyIndex.deserialize(bytes.subarray(0, bytes.length - 100)));
    expectCorrupt(() => CopyIndex.deserialize(bytes.subarray(0, 10)));
    expectCorrupt(() => CopyIndex.deserialize(new TextEncoder().encode('{"not": "an index"}')));
  });

  test('builds 1 MB within 5 s and 10 bytes per corpus byte', async () => {
    const text = await readFile(SAMPLE, 'utf8');
    const megabytes = Buffer.byteLength(text) / 1e6;
    const started = performance.now();
    const big = CopyIndex.build([text], 24);
    const seconds = (performance.now() - started) / 1000;
    const bytes = big.serialize();
    expect(bytes.length / Buffer.byteLength(text)).toBeLessThanOrEqual(10);
    expect(seconds / megabytes).toBeLessThanOrEqual(5);
    expect(big.novelty(text)).toBe(0);
  });
});

describe('loadOrBuildCopyIndex', () => {
  let dir: string;
  const corpora = [{ id: 'c1', text: `${prose(Rng.fromSeed(5), 200)} ${PASSAGE}` }];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'copy-index-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('builds and stores a missing index, then loads it', async () => {
    const file = join(dir, COPY_INDEX_FILE);
    const built = await loadOrBuildCopyIndex(dir, corpora, 16);
    expect(built.markSpans(PASSAGE)).toEqual([{ from: 0, to: PASSAGE.length }]);
    const written = await stat(file);
    const loaded = await loadOrBuildCopyIndex(dir, corpora, 16);
    expect((await stat(file)).mtimeMs).toBe(written.mtimeMs);
    expect(loaded.markSpans(PASSAGE)).toEqual([{ from: 0, to: PASSAGE.length }]);
  });

  test('rebuilds a damaged index, or one built for other corpora or another window', async () => {
    const file = join(dir, COPY_INDEX_FILE);
    await loadOrBuildCopyIndex(dir, corpora, 16);
    const bytes = await readFile(file);
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 1;
    await writeFile(file, bytes);
    const repaired = await loadOrBuildCopyIndex(dir, corpora, 16);
    expect(repaired.markSpans(PASSAGE)).toHaveLength(1);
    expect(CopyIndex.deserialize(await readFile(file)).fits([corpora[0]?.text ?? ''], 16)).toBe(true);

    await loadOrBuildCopyIndex(dir, corpora, 20);
    expect(CopyIndex.deserialize(await readFile(file)).windowChars).toBe(20);
    const other = [{ id: 'c2', text: 'an entirely different corpus of text' }];
    const rebuilt = await loadOrBuildCopyIndex(dir, other, 20);
    expect(rebuilt.markSpans(PASSAGE)).toEqual([]);
    expect(CopyIndex.deserialize(await readFile(file)).fits([other[0]?.text ?? ''], 20)).toBe(true);
  });

  test('a directory it cannot write still gets an index', async () => {
    const index = await loadOrBuildCopyIndex(join(dir, 'missing', 'model'), corpora, 16);
    expect(index.novelty(PASSAGE)).toBe(0);
  });
});
