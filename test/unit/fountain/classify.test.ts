// @vitest-environment node
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Fountain } from 'fountain-js';
import { describe, expect, it } from 'vitest';
import { randomScripts } from './random-scripts';
import { classifyFountain } from '../../../src-main/fountain/classify.ts';
import { parseFountain } from '../../../src-main/fountain/parse.ts';
import { LINE_TYPES, type LineType } from '../../../src-main/fountain/types.ts';

const everyElement = readFileSync(resolve(import.meta.dirname, 'every-element.fountain'), 'utf8');
const sample = readFileSync(
  resolve(import.meta.dirname, '../../../resources/samples/sample-screenplay.fountain'),
  'utf8',
);

function typeOf(text: string, needle: string): LineType | undefined {
  const { lines } = classifyFountain(text);
  return lines.find((line) => line.source.includes(needle))?.type;
}

describe('classifyFountain on a script with every element', () => {
  const { lines } = classifyFountain(everyElement);
  const types = lines.map((line) => line.type);

  it('reports every line type', () => {
    expect(new Set(types)).toEqual(new Set(LINE_TYPES));
  });

  it('classifies each line in order', () => {
    expect(types.slice(0, 7)).toEqual(Array(6).fill('title-page').concat('blank'));
    expect(types.slice(7, 12)).toEqual(['section', 'blank', 'synopsis', 'blank', 'scene-heading']);
    expect(types.slice(13, 19)).toEqual(['action', 'action', 'blank', 'scene-heading', 'blank', 'action']);
    expect(types.slice(21, 26)).toEqual(['character', 'parenthetical', 'dialogue', 'dialogue', 'dialogue']);
    expect(types.slice(27, 32)).toEqual(['character', 'dialogue', 'blank', 'character', 'dialogue']);
    expect(types.slice(33, 44)).toEqual([
      'note',
      'blank',
      'transition',
      'blank',
      'transition',
      'blank',
      'centered',
      'blank',
      'lyrics',
      'blank',
      'page-break',
    ]);
    expect(types.slice(45, 53)).toEqual([
      'boneyard',
      'boneyard',
      'blank',
      'scene-heading',
      'blank',
      'scene-heading',
      'blank',
      'action',
    ]);
  });

  it('strips forcing marks, scene numbers, extensions stay on the cue', () => {
    const at = (index: number) => lines[index];
    expect(at(7)).toMatchObject({ text: 'ACT ONE', depth: 1 });
    expect(at(11)).toMatchObject({ text: 'INT. LAB - NIGHT', sceneNumber: '1' });
    expect(at(16)?.text).toBe('THE ROOF');
    expect(at(18)?.text).toBe('ALL CAPS BUT ACTION');
    expect(at(21)?.text).toBe('MARA (V.O.)');
    expect(at(27)?.text).toBe('McCLANE');
    expect(at(30)).toMatchObject({ text: 'BOB', dual: true });
    expect(at(37)?.text).toBe('SMASH CUT TO BLACK.');
    expect(at(39)?.text).toBe('CENTERED TEXT');
    expect(at(52)?.text).toBe('Rain.  More rain.');
  });

  it('gives line offsets that slice back to the source', () => {
    for (const line of lines) expect(everyElement.slice(line.from, line.to)).toBe(line.source);
  });
});

describe('classifyFountain context rules', () => {
  it('needs a blank line above and below a scene heading', () => {
    expect(typeOf('Action.\nINT. HOUSE - DAY\n\nMore.', 'INT.')).toBe('action');
    expect(typeOf('Action.\n\nINT. HOUSE - DAY\nMore.', 'INT.')).not.toBe('scene-heading');
    expect(typeOf('Action.\n\nint. house - day\n\nMore.', 'int.')).toBe('scene-heading');
  });

  it('needs dialogue below a character cue', () => {
    expect(typeOf('\nBANG!\n\nShe ducks.', 'BANG')).toBe('action');
    expect(typeOf('\nBANG!\nShe ducks.', 'BANG')).toBe('character');
    expect(typeOf('\nBob\nHi.', 'Bob')).toBe('action');
  });

  it('treats note-only and boneyard-only lines as transparent', () => {
    const text = 'Action.\n\n[[a note]]\nINT. HOUSE - DAY\n/* cut */\n\nMore.';
    expect(typeOf(text, 'INT.')).toBe('scene-heading');
    expect(typeOf('BOB\n[[aside]]\nHello.', 'Hello')).toBe('dialogue');
  });

  it('leaves unclosed notes and boneyard as text and keeps notes within a paragraph', () => {
    expect(classifyFountain('Hi [[open').hidden).toEqual([]);
    expect(classifyFountain('Hi /* open').hidden).toEqual([]);
    expect(classifyFountain('A [[two\nline note]] B').hidden).toEqual([{ kind: 'note', from: 2, to: 19 }]);
    expect(classifyFountain('A [[no\n\nnote]] B').hidden).toEqual([]);
    expect(classifyFountain('A /* across\n\nblank */ B').hidden).toEqual([{ kind: 'boneyard', from: 2, to: 21 }]);
  });
});

describe('parseFountain on the bundled sample', () => {
  const document = parseFountain(sample);

  it('reads the title page', () => {
    expect(document.titlePage.map((field) => field.key)).toEqual([
      'title',
      'credit',
      'author',
      'source',
      'draft date',
      'contact',
    ]);
    expect(document.titlePage[0]?.lines).toEqual(['The Last Bus to Harrow Point']);
    expect(document.titlePage[5]?.lines).toEqual(['Understudy', 'sample@understudy.invalid']);
  });

  it('finds the same scene headings as fountain-js', () => {
    const reference = new Fountain()
      .parse(sample, true)
      .tokens.filter((token) => token.type === 'scene_heading')
      .map((token) => token.text);
    expect(document.scenes.map((scene) => scene.heading)).toEqual(reference);
    expect(document.scenes).toHaveLength(5);
  });

  it('lists characters by frequency without extensions', () => {
    expect(document.characters).toEqual(['JUNE', 'DESMOND', 'THEO']);
  });

  it('uses every printed element type', () => {
    const used = new Set(document.lines.map((line) => line.type));
    for (const type of ['scene-heading', 'action', 'character', 'dialogue', 'parenthetical', 'transition', 'centered'])
      expect(used.has(type as LineType)).toBe(true);
  });
});

describe('classifyFountain on arbitrary text', () => {
  it('never throws and always covers the text line by line', () => {
    for (const script of randomScripts(300)) {
      const text = script.replace(/\r\n?/g, '\n');
      const document = parseFountain(text);
      expect(document.lines).toHaveLength(text.split('\n').length);
      for (const line of document.lines) expect(text.slice(line.from, line.to)).toBe(line.source);
      for (const span of document.hidden) expect(span.to).toBeGreaterThan(span.from);
    }
  });
});
