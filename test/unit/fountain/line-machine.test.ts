import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomScripts } from './random-scripts.ts';
import { classifyFountain } from '../../../src-main/fountain/classify.ts';
import { findHiddenSpans } from '../../../src-main/fountain/hidden-spans.ts';
import { FountainLineMachine } from '../../../src-main/fountain/line-machine.ts';
import { normalizeLineBreaks } from '../../../src-main/fountain/parse.ts';
import type { LineType } from '../../../src-main/fountain/types.ts';

const everyElement = readFileSync(resolve(import.meta.dirname, 'every-element.fountain'), 'utf8');
const sample = readFileSync(
  resolve(import.meta.dirname, '../../../resources/samples/sample-screenplay.fountain'),
  'utf8',
);

function fed(text: string): LineType[] {
  const machine = new FountainLineMachine();
  machine.feedText(text);
  return machine.finish().map((line) => line.type);
}

/** The parser's kinds, without the lines that held only a note or boneyard (the machine skips those). */
function parsed(text: string): LineType[] {
  return classifyFountain(text)
    .lines.filter((line) => line.type !== 'note' && line.type !== 'boneyard')
    .map((line) => line.type);
}

function seededRandom(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('FountainLineMachine reads as the parser does', () => {
  it('gives every line of random scripts the parser kind, one character at a time', () => {
    let compared = 0;
    for (const raw of randomScripts(400, 11)) {
      const text = normalizeLineBreaks(raw);
      if (findHiddenSpans(text).length > 0) continue;
      expect(fed(text), JSON.stringify(text)).toEqual(parsed(text));
      compared += 1;
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('agrees on the sample screenplay and a script with every element (notes skipped as the parser does)', () => {
    for (const text of [sample, everyElement].map(normalizeLineBreaks)) {
      expect(
        FountainLineMachine.after(text)
          .finish()
          .map((line) => line.type),
      ).toEqual(parsed(text));
    }
  });

  it('knows the element of the line being written before it ends', () => {
    const machine = FountainLineMachine.after('INT. BUS - NIGHT\n\nJune sits.\n\nJUNE\n');
    expect(machine.current).toEqual({ ifText: 'blank', ifBlank: 'blank' });
    machine.feedText('(quietly');
    expect(machine.current.ifText).toBe('dialogue');
    machine.feedText(')');
    expect(machine.current.ifText).toBe('parenthetical');
    machine.feedText('\nWe');
    expect(machine.current.ifText).toBe('dialogue');
    expect(machine.lines.map((line) => line.type)).toEqual([
      'scene-heading',
      'blank',
      'action',
      'blank',
      'character',
      'parenthetical',
    ]);
    // The spec: a heading needs a blank line below it; an upper-case line with text below it is a cue.
    const heading = FountainLineMachine.after('Action.\n\nEXT. ROAD');
    expect(heading.current).toEqual({ ifText: 'character', ifBlank: 'scene-heading' });
  });

  it('starts a machine after a prime that holds notes, boneyard and a title page', () => {
    const machine = FountainLineMachine.after('Title: Night Bus\n\n[[a note]]\n/* cut\nscene */\nJUNE\nHi.\n');
    // `Hi.` waits for the next line to show whether it is blank.
    expect(machine.lines.map((line) => line.type)).toEqual(['title-page', 'blank', 'character']);
    expect(machine.finish().map((line) => line.type)).toEqual([
      'title-page',
      'blank',
      'character',
      'dialogue',
      'blank',
    ]);
  });
});

describe('FountainLineMachine.allows keeps a draft in screenplay form', () => {
  const allowed = (prefix: string, chars: string): string =>
    [...chars].filter((ch) => FountainLineMachine.after(prefix).allows(ch)).join('');

  it('puts a blank line after a scene heading and a transition', () => {
    expect(allowed('INT. BUS - NIGHT\n', '\nAb (')).toBe('\n');
    expect(allowed('He waits.\n\nCUT TO:\n', '\nAb')).toBe('\n');
    expect(allowed('INT. BUS - NIGHT', '\n')).toBe('\n');
  });

  it('gives every cue a speech and never two blank lines in a row', () => {
    expect(allowed('He waits.\n\nJUNE\n', '\nA(')).toBe('A(');
    expect(allowed('He waits.\n\n', '\nA')).toBe('A');
  });

  it('closes a parenthetical on its own line and ends the line there', () => {
    expect(allowed('\nJUNE\n(quietly', '\n)(a')).toBe(')a');
    expect(allowed('\nJUNE\n(quietly)', '\n)a ')).toBe('\n');
  });

  it('opens no note, boneyard, section, synopsis, page break or forced element', () => {
    expect(allowed('He waits [', '[a')).toBe('a');
    expect(allowed('He waits /', '*a')).toBe('a');
    expect(allowed('He waits.\n\n', '#=!@.>~[ \tA')).toBe('A');
  });

  it('keeps random drafts from any vocabulary valid: what an untrained model would write', () => {
    const vocabulary = [...new Set(sample + '#=!@.>~[]/*()^_\t')];
    for (let seed = 1; seed <= 40; seed++) {
      const random = seededRandom(seed);
      const primes = ['', 'INT. BUS - NIGHT\n\n', 'June sits.\n\nJUNE\n', sample.slice(0, 400 + seed * 13)];
      const prime = primes[seed % primes.length] ?? '';
      const machine = FountainLineMachine.after(prime);
      let draft = '';
      for (let step = 0; step < 600; step++) {
        const options = vocabulary.filter((ch) => machine.allows(ch));
        expect(options.length, `seed ${seed} after ${JSON.stringify(draft.slice(-40))}`).toBeGreaterThan(0);
        // Newlines drawn more often than their share, so short lines and many elements occur.
        const newline = options.includes('\n') && random() < 0.12;
        const ch = newline ? '\n' : (options[Math.floor(random() * options.length)] ?? '');
        machine.feed(ch);
        draft += ch;
      }
      expectDraftForm(prime, draft, seed);
    }
  });

  it('gives one mask per key: states with the same key allow the same characters', () => {
    const vocabulary = [...new Set(sample + '#=!@.>~[]/*')];
    const masks = new Map<string, string>();
    const texts = [sample, everyElement, ...randomScripts(60, 5)].map(normalizeLineBreaks);
    for (const text of texts) {
      const machine = new FountainLineMachine();
      for (const ch of text.slice(0, 3000)) {
        const mask = vocabulary.map((c) => (machine.allows(c) ? '1' : '0')).join('');
        const key = machine.maskKey();
        expect(masks.get(key) ?? mask, key).toBe(mask);
        masks.set(key, mask);
        machine.feed(ch);
      }
    }
    expect(masks.size).toBeGreaterThan(5);
  });
});

/** A draft after a prime is screenplay form: the draft's own lines hold only these elements, in these orders. */
function expectDraftForm(prime: string, draft: string, seed: number): void {
  const whole = classifyFountain(prime + draft).lines;
  const firstDraftLine = prime.split('\n').length - 1;
  const lines = whole.slice(firstDraftLine, -1);
  const where = (index: number): string => `seed ${seed}, line ${JSON.stringify(lines[index]?.source)}`;
  const allowed = new Set<LineType>([
    'scene-heading',
    'action',
    'character',
    'dialogue',
    'parenthetical',
    'transition',
    'blank',
  ]);
  lines.forEach((line, index) => {
    expect(allowed.has(line.type), where(index)).toBe(true);
    const next = lines[index + 1];
    if (next === undefined) return;
    if (line.type === 'character') expect(['dialogue', 'parenthetical'], where(index)).toContain(next.type);
    if (line.type === 'parenthetical') expect(line.text.endsWith(')'), where(index)).toBe(true);
    if (line.type === 'scene-heading' || line.type === 'transition') expect(next.type, where(index)).toBe('blank');
    if (line.type === 'blank' && index > 0) expect(next.type, where(index)).not.toBe('blank');
  });
}
