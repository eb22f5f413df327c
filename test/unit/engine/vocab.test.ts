import { describe, expect, test } from 'vitest';
import { Vocab } from '../../../src-main/engine/vocab.ts';

describe('Vocab', () => {
  const text = 'Hello, 世界! 🎬 Scene 1 — 👩‍👩‍👧 INT. 東京 – NIGHT\n𝔘𝔫𝔡𝔢𝔯';

  test('round-trips CJK, emoji and astral characters through code points', () => {
    const vocab = Vocab.fromTexts([text]);
    const { ids, unknown } = vocab.encode(text);
    expect(unknown).toBe(0);
    expect(vocab.decode(ids)).toBe(text);
    expect(ids.length).toBe(Array.from(text).length);
  });

  test('never splits a surrogate pair: every entry is one whole code point', () => {
    const vocab = Vocab.fromTexts(['🎬𝔘']);
    expect(vocab.size).toBe(2);
    for (let i = 0; i < vocab.size; i++) {
      const ch = vocab.char(i);
      expect(Array.from(ch)).toHaveLength(1);
      expect(ch.codePointAt(0)).toBeGreaterThan(0xffff);
    }
  });

  test('is sorted by code point, so the same texts always give the same indices', () => {
    const a = Vocab.fromTexts(['cab', '🎬']);
    const b = Vocab.fromTexts(['🎬b', 'ac']);
    expect(a.codePoints).toEqual(b.codePoints);
    expect(a.decode([0, 1, 2])).toBe('abc');
  });

  test('unknown characters are skipped when encoding and counted', () => {
    const vocab = Vocab.fromTexts(['abc ']);
    const { ids, unknown } = vocab.encode('a🎬b 世c');
    expect(vocab.decode(ids)).toBe('ab c');
    expect(unknown).toBe(2);
  });

  test('restores from its code points', () => {
    const vocab = Vocab.fromTexts([text]);
    const copy = Vocab.fromCodePoints(vocab.codePoints);
    expect(copy.decode(copy.encode(text).ids)).toBe(text);
    expect(() => copy.char(copy.size)).toThrow(RangeError);
  });

  test('extending keeps every index and appends the new characters in code-point order', () => {
    const base = Vocab.fromTexts(['banana']);
    const { vocab, added } = base.extendedBy(['cab', 'zebra 🎬']);
    expect(vocab.codePoints.slice(0, base.size)).toEqual(base.codePoints);
    expect(added.map((cp) => String.fromCodePoint(cp)).join('')).toBe(' cerz🎬');
    expect(vocab.indexOf('c')).toBe(base.size + 1);
    expect(base.extendedBy(['nab']).added).toEqual([]);
  });
});
