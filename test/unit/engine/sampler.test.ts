import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend.ts';
import { disposeWeights } from '../../../src-main/engine/model.ts';
import { Rng } from '../../../src-main/engine/rng.ts';
import {
  lastCodePoints,
  pickIndex,
  PRIME_ALIGN,
  PrimeCache,
  primeWindow,
  sample,
  type SampleRequest,
} from '../../../src-main/engine/sampler.ts';
import { randomModel, tinyCorpus } from './helpers.ts';

const probs = [0.5, 0.25, 0.125, 0.125];
const logits = probs.map(Math.log);

function frequencies(temperature: number, topK: number, topP: number, draws = 20_000): number[] {
  const rng = Rng.fromSeed(42);
  const counts = new Array<number>(probs.length).fill(0);
  for (let i = 0; i < draws; i++) {
    const k = pickIndex(logits, temperature, topK, topP, rng);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts.map((c) => c / draws);
}

function expectClose(actual: number[], expected: number[]): void {
  actual.forEach((a, i) => expect(Math.abs(a - (expected[i] ?? 0))).toBeLessThan(0.015));
}

const normalise = (xs: number[]): number[] => xs.map((x) => x / xs.reduce((a, b) => a + b, 0));

describe('pickIndex', () => {
  test('temperature 1 samples the model distribution', () => expectClose(frequencies(1, 0, 1), probs));
  test('temperature 0.5 squares the probabilities (sharper)', () =>
    expectClose(frequencies(0.5, 0, 1), normalise(probs.map((p) => p ** 2))));
  test('temperature 2 takes square roots (flatter)', () =>
    expectClose(frequencies(2, 0, 1), normalise(probs.map(Math.sqrt))));
  test('temperature 0 is greedy, lowest index on ties', () => {
    expect(frequencies(0, 0, 1, 100)).toEqual([1, 0, 0, 0]);
    expect(pickIndex([1, 3, 3], 0, 0, 1, Rng.fromSeed(1))).toBe(1);
  });
  test('top-k keeps the k most likely, renormalised', () => expectClose(frequencies(1, 2, 1), [2 / 3, 1 / 3, 0, 0]));
  test('top-p keeps the smallest set reaching p', () => {
    expectClose(frequencies(1, 0, 0.7), [2 / 3, 1 / 3, 0, 0]);
    expectClose(frequencies(1, 0, 0.5), [1, 0, 0, 0]);
    expectClose(frequencies(1, 0, 0.9), normalise([0.5, 0.25, 0.125, 0.125]));
  });
  test('top-k then top-p apply to the renormalised remainder', () =>
    expectClose(frequencies(1, 3, 0.8), [2 / 3, 1 / 3, 0, 0]));
});

describe('lastCodePoints', () => {
  test('counts code points and never starts inside a surrogate pair', () => {
    expect(lastCodePoints('ab🎬c', 2)).toBe('🎬c');
    expect(lastCodePoints('🎬🎬🎬', 1)).toBe('🎬');
    expect(lastCodePoints('abc', 10)).toBe('abc');
    expect(lastCodePoints('abc', 0)).toBe('');
  });
});

describe('primeWindow', () => {
  test('keeps at least primeChars, starting at an aligned position so typing at the end keeps the start', () => {
    const text = 'x'.repeat(1000);
    const w = primeWindow(text, 300);
    expect(w.length).toBeGreaterThanOrEqual(300);
    expect(w.length).toBeLessThan(300 + PRIME_ALIGN);
    expect((1000 - w.length) % PRIME_ALIGN).toBe(0);
    expect(primeWindow(text + 'abc', 300).startsWith(w)).toBe(true);
    expect(primeWindow('short', 300)).toBe('short');
    expect(primeWindow('🎬'.repeat(700), 300)).toBe('🎬'.repeat(700 - 6 * PRIME_ALIGN));
  });
});

describe('sample', () => {
  const text = tinyCorpus();
  let model: ReturnType<typeof randomModel>;
  const request = (over: Partial<SampleRequest> = {}): SampleRequest => ({
    prime: 'ANNA: ',
    primeChars: 2000,
    temperatures: [1],
    topK: 0,
    topP: 1,
    maxLength: 40,
    stopStrings: [],
    seed: 7,
    ...over,
  });

  beforeAll(async () => {
    await initBackend();
    model = randomModel(text);
  });
  afterAll(() => disposeWeights(model.weights));

  test('greedy generation is deterministic whatever the seed', async () => {
    const a = await sample(model, request({ temperatures: [0], seed: 1 }));
    const b = await sample(model, request({ temperatures: [0], seed: 2 }));
    expect(a.texts[0]).toHaveLength(40);
    expect(b.texts).toEqual(a.texts);
  });

  test('the same seed reproduces a sampled text, another seed changes it', async () => {
    const a = await sample(model, request({ seed: 5 }));
    const b = await sample(model, request({ seed: 5 }));
    const c = await sample(model, request({ seed: 6 }));
    expect(b.texts).toEqual(a.texts);
    expect(c.texts).not.toEqual(a.texts);
  });

  test('alternatives are generated together and streamed chunks add up to the final texts', async () => {
    const streamed = ['', '', ''];
    const result = await sample(model, request({ temperatures: [1, 1, 1], maxLength: 200 }), {
      onChunk: (deltas) => deltas.forEach((d, i) => (streamed[i] += d)),
    });
    expect(result.texts).toHaveLength(3);
    expect(streamed).toEqual(result.texts);
    expect(new Set(result.texts).size).toBeGreaterThan(1);
    expect(result.timeToFirstCharMs).not.toBeNull();
    expect(result.charsPerSecond).toBeGreaterThan(0);
  });

  test('only vocabulary characters come out; unknown prime characters are skipped and counted', async () => {
    const result = await sample(model, request({ prime: 'ANNA: 🎬 世界 Where', temperatures: [1.5] }));
    expect(result.unknownPrimeChars).toBe(3);
    for (const ch of result.texts[0] ?? '') expect(model.vocab.has(ch)).toBe(true);
    const empty = await sample(model, request({ prime: '🎬🎬', temperatures: [0] }));
    expect(empty.texts[0]).toHaveLength(40);
  });

  test('an alternative ends before its first stop string, which is not included', async () => {
    const streamed = [''];
    const result = await sample(model, request({ temperatures: [1.5], maxLength: 2000, stopStrings: ['\n', 'AN'] }), {
      onChunk: (d) => (streamed[0] += d[0] ?? ''),
    });
    expect(result.reasons).toEqual(['stop']);
    expect(result.texts[0]).not.toMatch(/\n|AN/);
    expect(streamed[0]).toBe(result.texts[0]);
  });

  test('an abort signal stops generation with reason cancelled', async () => {
    const controller = new AbortController();
    let chunks = 0;
    const result = await sample(model, request({ maxLength: 100_000 }), {
      signal: controller.signal,
      onChunk: () => {
        chunks += 1;
        if (chunks === 2) controller.abort();
      },
    });
    expect(result.reasons).toEqual(['cancelled']);
    expect(result.texts[0]!.length).toBeLessThan(100_000);
  });

  test('a prime cache continues from the state of an earlier prime and matches priming from scratch', async () => {
    const cache = new PrimeCache();
    const ids = model.vocab.encode(text.slice(0, 300)).ids;
    cache.stateAfter(model.weights, ids.subarray(0, 200));
    const continued = cache.stateAfter(model.weights, ids);
    const fresh = new PrimeCache().stateAfter(model.weights, ids);
    for (let l = 0; l < continued.length; l++) {
      const diff = Math.max(...continued[l]!.h.map((v, i) => Math.abs(v - fresh[l]!.h[i]!)));
      expect(diff).toBeLessThan(1e-5);
    }
    const prime = text.slice(0, 700);
    const plain = await sample(model, request({ prime, temperatures: [0] }));
    await sample(model, request({ prime: text.slice(0, 600), temperatures: [0] }), { primeCache: cache });
    const cached = await sample(model, request({ prime, temperatures: [0] }), { primeCache: cache });
    expect(cached.texts).toEqual(plain.texts);
    cache.dispose();
  });

  test('no tensors are left behind across generations', async () => {
    await sample(model, request());
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await sample(model, request({ temperatures: [0.8, 1], seed: i, stopStrings: ['\n'] }));
    const cache = new PrimeCache();
    for (let i = 0; i < 3; i++)
      await sample(model, request({ prime: text.slice(0, 100 + i * 50) }), { primeCache: cache });
    cache.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
