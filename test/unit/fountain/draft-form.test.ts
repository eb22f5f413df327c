import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyFountain, cueName } from '../../../src-main/fountain/classify.ts';
import { DRAFT_MODES, DraftForm, nextSpeaker, type DraftSpec } from '../../../src-main/fountain/draft-form.ts';
import { parseFountain } from '../../../src-main/fountain/parse.ts';
import type { ClassifiedLine } from '../../../src-main/fountain/types.ts';

const sample = readFileSync(
  resolve(import.meta.dirname, '../../../resources/samples/sample-screenplay.fountain'),
  'utf8',
);
const CAST = parseFountain(sample).characters;
/** Every character the sample uses plus the marks a draft must not open with: what a noisy model may emit. */
const VOCABULARY = [...new Set(sample + '#=!@.>~[]/*()^_\t0123456789')];

function seededRandom(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** What an untrained model does: any character the form allows, line breaks drawn a little more often. */
function noisyDraft(prime: string, spec: DraftSpec, seed: number, steps = 1500): { form: DraftForm; text: string } {
  const random = seededRandom(seed);
  const form = new DraftForm(prime, spec);
  let text = '';
  for (let step = 0; step < steps && !form.done; step++) {
    const options = VOCABULARY.filter((ch) => form.allows(ch));
    if (options.length === 0)
      throw new Error(`no character allowed after ${JSON.stringify((prime + text).slice(-80))}`);
    const ch =
      options.includes('\n') && random() < 0.08 ? '\n' : (options[Math.floor(random() * options.length)] ?? '');
    form.feed(ch);
    text += ch;
  }
  return { form, text };
}

/** The lines the mode wrote (after the lead that finishes the text before it), as the parser reads prime + draft. */
function draftLines(prime: string, draft: string, leadLength: number): ClassifiedLine[] {
  const start = prime.length + leadLength;
  return classifyFountain(prime + draft).lines.filter((line) => line.from >= start && line.type !== 'blank');
}

const PRIMES = [
  '',
  sample.slice(0, sample.indexOf('INT. BUS - CONTINUOUS')),
  sample.slice(0, sample.indexOf('I know where I want.') + 5),
  'JUNE\n',
  'INT. BUS - NIGHT\n\nJune waits.',
];

describe('DraftForm keeps every mode in its shape, whatever the model emits', () => {
  for (const mode of DRAFT_MODES) {
    it(`${mode}: valid Fountain of the requested shape over random seeds and primes`, () => {
      for (let seed = 1; seed <= 25; seed++) {
        const prime = PRIMES[seed % PRIMES.length] ?? '';
        const spec: DraftSpec = { mode, cast: CAST, castLock: true, speaker: 'THEO', targetLines: 12 };
        const { form, text } = noisyDraft(prime, spec, seed);
        const draft = form.complete;
        expect(text.startsWith(draft), 'the complete draft is a prefix of what was sampled').toBe(true);
        const lines = draftLines(prime, draft, form.leadLength);
        const where = `seed ${seed}, ${mode}, draft ${JSON.stringify(draft.slice(0, 300))}`;
        const types = new Set(lines.map((line) => line.type));
        for (const type of types)
          expect(['scene-heading', 'action', 'character', 'dialogue', 'parenthetical'], where).toContain(type);
        for (const line of lines.filter((l) => l.type === 'character'))
          expect(CAST, where).toContain(cueName(line.text));
        if (mode === 'scene' && draft !== '') {
          expect(lines[0]?.type, where).toBe('scene-heading');
          expect(
            lines.filter((line) => line.type === 'scene-heading'),
            where,
          ).toHaveLength(1);
          if (form.done) expect(form.printedLines, where).toBeGreaterThanOrEqual(12);
        }
        if (mode === 'heading') {
          expect(form.done, where).toBe(true);
          expect(
            lines.map((line) => line.type),
            where,
          ).toEqual(['scene-heading']);
        }
        if (mode === 'line' && form.done) {
          expect(cueName(lines[0]?.text ?? ''), where).toBe('THEO');
          expect(
            lines.slice(1).every((line) => line.type === 'dialogue' || line.type === 'parenthetical'),
            where,
          ).toBe(true);
          expect(lines.length, where).toBeGreaterThan(1);
        }
        if (mode === 'action' && form.done) {
          expect([...types], where).toEqual(['action']);
          expect(draft.slice(form.leadLength).trim().includes('\n\n'), where).toBe(false);
        }
        if (mode !== 'continue' && form.done) expect(draft.endsWith('\n\n'), where).toBe(true);
      }
    });
  }

  it('lets new names in when the cast lock is off', () => {
    const spec: DraftSpec = { mode: 'continue', cast: CAST, castLock: false };
    const form = new DraftForm('He waits.\n\n', spec);
    for (const ch of 'ZED\nHi.\n') {
      expect(form.allows(ch), ch).toBe(true);
      form.feed(ch);
    }
    // Locked, capitals off the cast can only become action: a lower-case letter must come before the line ends.
    const locked = new DraftForm('He waits.\n\n', { ...spec, castLock: true });
    for (const ch of 'ZED') locked.feed(ch);
    expect(locked.allows('\n')).toBe(false);
    expect(locked.allows('(')).toBe(false);
    expect(locked.allows('a')).toBe(true);
  });

  it('spells a locked cue along the cast and allows an extension', () => {
    const form = new DraftForm('He waits.\n\n', { mode: 'continue', cast: ['JUNE', 'DESMOND'], castLock: true });
    const typed = (text: string): void => [...text].forEach((ch) => form.feed(ch));
    typed('JUNE');
    expect(form.allows('\n')).toBe(true);
    expect(form.allows('S')).toBe(false);
    typed(' ');
    expect(form.allows('(')).toBe(true);
    expect(form.allows('x')).toBe(false);
    typed('(V.O.)');
    expect(['\n', ' ', 'A'].filter((ch) => form.allows(ch))).toEqual(['\n']);
    // An extension that runs on (a model listing names) must close.
    const long = new DraftForm('He waits.\n\n', { mode: 'continue', cast: ['JUNE'], castLock: true });
    for (const ch of 'JUNE (ABCDEFGHIJKL') long.feed(ch);
    expect(['M', ' ', ')', '\n'].filter((ch) => long.allows(ch))).toEqual([')']);
  });

  it('locks scene headings to the script locations when asked', () => {
    const form = new DraftForm('', {
      mode: 'heading',
      cast: [],
      castLock: false,
      locations: ['BUS', 'HARROW POINT BUS DEPOT'],
      locationLock: true,
    });
    for (const ch of 'EXT. ') form.feed(ch);
    expect(['B', 'H', 'S'].filter((ch) => form.allows(ch))).toEqual(['B', 'H']);
    for (const ch of 'BUS') form.feed(ch);
    expect(form.allows('\n')).toBe(true);
    expect(form.allows(' ')).toBe(true);
    expect(form.allows('e')).toBe(false);
  });

  it('gives one mask per key in every mode', () => {
    for (const mode of DRAFT_MODES) {
      const masks = new Map<string, string>();
      for (let seed = 1; seed <= 8; seed++) {
        const random = seededRandom(seed * 31);
        const form = new DraftForm(PRIMES[seed % PRIMES.length] ?? '', {
          mode,
          cast: CAST,
          castLock: true,
          speaker: 'JUNE',
          targetLines: 20,
        });
        for (let step = 0; step < 800 && !form.done; step++) {
          const mask = VOCABULARY.map((ch) => (form.allows(ch) ? '1' : '0')).join('');
          const key = form.maskKey();
          expect(masks.get(key) ?? mask, `${mode} ${key}`).toBe(mask);
          masks.set(key, mask);
          const options = VOCABULARY.filter((ch) => form.allows(ch));
          form.feed(options[Math.floor(random() * options.length)] ?? '\n');
        }
      }
    }
  });

  it('picks who speaks next: the speaker before the last one', () => {
    const prime = sample.slice(0, sample.indexOf('Nobody plans anymore.') + 'Nobody plans anymore.\n\n'.length);
    expect(nextSpeaker(prime, CAST)).toBe('DESMOND');
    expect(nextSpeaker('', ['JUNE', 'THEO'])).toBe('JUNE');
  });
});
