import { describe, expect, test } from 'vitest';
import { CharDataset } from '../../../src-main/engine/dataset.ts';
import { Rng } from '../../../src-main/engine/rng.ts';
import { Vocab } from '../../../src-main/engine/vocab.ts';

const docA = 'a'.repeat(90) + 'b'.repeat(10);
const docB = 'c'.repeat(180) + 'd'.repeat(20);

describe('CharDataset', () => {
  const vocab = Vocab.fromTexts([docA, docB]);
  const dataset = CharDataset.fromTexts([docA, docB], vocab, 8);

  test('each document gives its first 90% to training and its last 10% to validation', () => {
    expect(dataset.trainChars).toBe(90 + 180);
    expect(dataset.valChars).toBe(10 + 20);
    const rng = Rng.fromSeed(3);
    for (let i = 0; i < 50; i++) {
      const batch = dataset.sampleBatch(rng, 4);
      const text = vocab.decode([...batch.inputs, ...batch.targets]);
      expect(text).not.toMatch(/[bd]/);
    }
  });

  test('training windows never cross documents and targets are inputs shifted by one', () => {
    const rng = Rng.fromSeed(5);
    const counting = CharDataset.fromTexts(
      ['0123456789'.repeat(20), 'abcdefghij'.repeat(20)],
      Vocab.fromTexts(['0123456789abcdefghij']),
      8,
    );
    const v = Vocab.fromTexts(['0123456789abcdefghij']);
    for (let i = 0; i < 100; i++) {
      const batch = counting.sampleBatch(rng, 2);
      for (let b = 0; b < 2; b++) {
        const input = v.decode(batch.inputs.subarray(b * 8, b * 8 + 8));
        const target = v.decode(batch.targets.subarray(b * 8, b * 8 + 8));
        expect(input.slice(1)).toBe(target.slice(0, -1));
        expect(/^[0-9]+$/.test(input + target) || /^[a-j]+$/.test(input + target)).toBe(true);
      }
    }
  });

  test('validation covers every validation character once, in non-overlapping windows', () => {
    let targets = 0;
    let text = '';
    for (const batch of dataset.validationBatches(3)) {
      targets += batch.count * batch.length;
      text += vocab.decode(batch.targets);
    }
    // Each document's first validation character has no predecessor inside the split.
    expect(targets).toBe(dataset.valChars - 2);
    expect(text.replace(/b/g, '').replace(/d/g, '')).toBe('');
  });

  test('the batch stream is reproducible from a saved generator state', () => {
    const rng = Rng.fromSeed(11);
    dataset.sampleBatch(rng, 4);
    const saved = rng.getState();
    const first = dataset.sampleBatch(rng, 4);
    const again = dataset.sampleBatch(new Rng(saved), 4);
    expect(Array.from(again.inputs)).toEqual(Array.from(first.inputs));
  });

  test('refuses corpora too short for one training window', () => {
    expect(() => CharDataset.fromTexts(['abc'], Vocab.fromTexts(['abc']), 8)).toThrow(/too short/);
  });
});

describe('Rng', () => {
  test('the same seed gives the same stream; different seeds differ', () => {
    const a = Rng.fromSeed(1);
    const b = Rng.fromSeed(1);
    const c = Rng.fromSeed(2);
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  test('draws are uniform enough for sampling', () => {
    const rng = Rng.fromSeed(9);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[rng.int(4)]! += 1;
    for (const n of counts) expect(Math.abs(n - 10_000)).toBeLessThan(400);
  });
});
