// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFountain } from '../../../src-main/fountain/parse.ts';
import {
  applyEdits,
  combineEdits,
  compareSceneNumbers,
  lockSceneNumbers,
  sceneNumbers,
  sceneNumbersLocked,
  unlockSceneNumbers,
} from '../../../src-main/fountain/scene-numbers.ts';

const scene = (id: string): string => `INT. ROOM ${id} - DAY\n\nSomething happens in ${id}.\n`;
const script = (ids: readonly string[]): string => ids.map(scene).join('\n');
const numbersOf = (text: string): string[] => sceneNumbers(parseFountain(text).scenes);
const lock = (text: string): string => applyEdits(text, lockSceneNumbers(parseFountain(text)));
const unlock = (text: string): string => applyEdits(text, unlockSceneNumbers(parseFountain(text)));
/** Heading id -> printed number. */
function numbersById(text: string): Map<string, string> {
  const document = parseFountain(text);
  const numbers = sceneNumbers(document.scenes);
  return new Map(document.scenes.map((s, i) => [/ROOM (\S+)/.exec(s.heading)?.[1] ?? '', numbers[i] ?? '']));
}
const increasing = (numbers: readonly string[]): boolean =>
  numbers.every((number, i) => i === 0 || compareSceneNumbers(numbers[i - 1] ?? '', number) < 0);

describe('automatic scene numbers', () => {
  it('counts 1, 2, 3 when the script writes none', () => {
    expect(numbersOf(script(['a', 'b', 'c']))).toEqual(['1', '2', '3']);
    expect(numbersOf('')).toEqual([]);
  });

  it('keeps written numbers and letters the scenes between them', () => {
    const text = ['INT. A - DAY #6#', 'INT. B - DAY', 'INT. C - DAY', 'INT. D - DAY #7#'].join('\n\n');
    expect(numbersOf(text)).toEqual(['6', '6A', '6B', '7']);
    expect(sceneNumbers([{ sceneNumber: '6A' }, {}, { sceneNumber: '7' }])).toEqual(['6A', '6B', '7']);
    expect(sceneNumbers([{ sceneNumber: '6A' }, {}, { sceneNumber: '6B' }])).toEqual(['6A', '6AA', '6B']);
    expect(sceneNumbers([{}, {}, { sceneNumber: '1' }])).toEqual(['A1', 'B1', '1']);
    expect(sceneNumbers([{}, { sceneNumber: 'A1' }, {}, { sceneNumber: '1' }])).toEqual(['AA1', 'A1', 'B1', '1']);
    expect(sceneNumbers([{ sceneNumber: '6' }, {}, { sceneNumber: '6A' }])).toEqual(['6', 'A6A', '6A']);
    expect(sceneNumbers([{ sceneNumber: '3' }, {}, {}])).toEqual(['3', '3A', '3B']);
  });

  it('keeps a hand-written number outside the form and stays unique after it', () => {
    expect(sceneNumbers([{ sceneNumber: '1.1' }, {}, {}])).toEqual(['1.1', '1.1A', '1.1B']);
  });

  it('orders numbers as a production does', () => {
    const order = ['AA1', 'AB1', 'A1', 'B1', '1', '1A', '1AA', '1B', 'A2A', '2A', '10'];
    expect([...order].reverse().sort(compareSceneNumbers)).toEqual(order);
  });
});

describe('locking', () => {
  it('writes #n# on every heading in one edit list and unlocking removes them', () => {
    const text = script(['a', 'b', 'c']);
    const edits = lockSceneNumbers(parseFountain(text));
    expect(edits).toHaveLength(3);
    const locked = applyEdits(text, edits);
    expect(locked).toContain('INT. ROOM a - DAY #1#\n');
    expect(locked).toContain('INT. ROOM c - DAY #3#\n');
    expect(sceneNumbersLocked(parseFountain(locked))).toBe(true);
    expect(lockSceneNumbers(parseFountain(locked))).toEqual([]);
    expect(unlock(locked)).toBe(text);
  });

  it('a scene added between locked 6 and 7 becomes 6A, then 6B', () => {
    const ids = Array.from({ length: 8 }, (_, i) => `s${i + 1}`);
    const locked = lock(script(ids));
    const withOne = locked.replace('INT. ROOM s7', `${scene('new1')}\nINT. ROOM s7`);
    expect(numbersById(withOne).get('new1')).toBe('6A');
    const withTwo = withOne.replace('INT. ROOM s7', `${scene('new2')}\nINT. ROOM s7`);
    expect(numbersById(withTwo).get('new2')).toBe('6B');
    const first = locked.replace('INT. ROOM s1', `${scene('top')}\nINT. ROOM s1`);
    expect(numbersById(first).get('top')).toBe('A1');
  });

  it('puts the number after a closed note and before a boneyard that runs on', () => {
    const text = 'INT. A - DAY [[check]]\n\nOne.\n\nINT. B - DAY /* cut\nthis */\n\nTwo.\n';
    const locked = lock(text);
    expect(locked).toContain('INT. A - DAY [[check]] #1#');
    expect(locked).toContain('INT. B - DAY #2# /* cut');
    expect(numbersOf(locked)).toEqual(['1', '2']);
    expect(parseFountain(locked).scenes.map((s) => s.sceneNumber)).toEqual(['1', '2']);
    expect(unlock(locked)).toBe(text);
  });

  it('combines the edits into one change that gives the same text', () => {
    const text = script(['a', 'b', 'c']);
    const edits = lockSceneNumbers(parseFountain(text));
    const one = combineEdits(text, edits);
    expect(one).toBeDefined();
    if (!one) return;
    expect(text.slice(0, one.from) + one.insert + text.slice(one.to)).toBe(applyEdits(text, edits));
    expect(combineEdits(text, [])).toBeUndefined();
  });
});

type Op = { kind: 'insert'; at: number } | { kind: 'delete'; at: number } | { kind: 'relock' };
const ops = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(40) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(40) }),
    fc.constant({ kind: 'relock' as const }),
  ),
  { maxLength: 30 },
);

/** Splits a script into its scenes' text (each starts at its heading). */
function scenesOfText(text: string): string[] {
  const document = parseFountain(text);
  return document.scenes.map((s, i) => text.slice(s.from, document.scenes[i + 1]?.from ?? text.length));
}

describe('scene number properties', () => {
  it('numbering is strictly increasing and locked numbers never change as scenes come and go', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), ops, fc.integer({ min: 0, max: 10 }), (size, steps, relocks) => {
        let text = lock(script(Array.from({ length: size }, (_, i) => `s${i}`)));
        let locked = numbersById(text);
        let fresh = 0;
        let relocked = 0;
        for (const op of steps as Op[]) {
          const parts = scenesOfText(text);
          if (op.kind === 'relock') {
            if (relocked++ >= relocks) continue;
            text = lock(text);
            locked = numbersById(text);
          } else if (op.kind === 'insert') {
            parts.splice(op.at % (parts.length + 1), 0, `${scene(`n${fresh++}`)}\n`);
            text = parts.join('');
          } else if (parts.length > 0) {
            const [gone] = parts.splice(op.at % parts.length, 1);
            locked.delete(/ROOM (\S+)/.exec(gone ?? '')?.[1] ?? '');
            text = parts.join('');
          }
          const now = numbersById(text);
          expect(increasing([...now.values()])).toBe(true);
          expect(new Set(now.values()).size).toBe(now.size);
          for (const [id, number] of locked) expect(now.get(id)).toBe(number);
        }
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it('automatic numbering of an unlocked script is 1..n in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), (size) => {
        const numbers = numbersOf(script(Array.from({ length: size }, (_, i) => `s${i}`)));
        expect(numbers).toEqual(Array.from({ length: size }, (_, i) => String(i + 1)));
        expect(increasing(numbers)).toBe(true);
      }),
      { seed: 14 },
    );
  });
});
