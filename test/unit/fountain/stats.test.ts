// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { estimatePages, wrappedHeight } from '../../../src-main/fountain/layout.ts';
import { parseFountain, sceneAtLine } from '../../../src-main/fountain/parse.ts';
import { formatProvenanceNote } from '../../../src-main/fountain/provenance.ts';
import { countWords, scriptStats } from '../../../src-main/fountain/stats.ts';

const paragraphs = (count: number): string =>
  Array.from({ length: count }, (_, i) => `Paragraph ${i + 1}.`).join('\n\n');

describe('scene navigator data', () => {
  const script = 'Title: T\n\nINT. A - DAY\n\nOne.\n\nEXT. B - NIGHT #7#\n\nTwo.\nThree.\n\n.INSIDE\n\nFour.';
  const { scenes } = parseFountain(script);

  it('lists scenes with their heading line and offset', () => {
    expect(scenes).toEqual([
      { index: 0, heading: 'INT. A - DAY', line: 2, from: 10 },
      { index: 1, heading: 'EXT. B - NIGHT', sceneNumber: '7', line: 6, from: 30 },
      { index: 2, heading: 'INSIDE', line: 11, from: 63 },
    ]);
    for (const scene of scenes) expect(script.slice(scene.from)).toMatch(/^\.?[A-Z]/);
  });

  it('finds the scene holding a line', () => {
    expect(sceneAtLine(scenes, 0)).toBeUndefined();
    expect(sceneAtLine(scenes, 2)?.index).toBe(0);
    expect(sceneAtLine(scenes, 9)?.index).toBe(1);
    expect(sceneAtLine(scenes, 40)?.index).toBe(2);
  });

  it('normalises CRLF so offsets match the editor', () => {
    expect(parseFountain('INT. A - DAY\r\n\r\nOne.').lines.map((line) => line.type)).toEqual([
      'scene-heading',
      'blank',
      'action',
    ]);
  });
});

describe('word, scene and page counts', () => {
  it('counts words with apostrophes, hyphens and initials as one', () => {
    expect(countWords("It's a dog-eat-dog world, Mr. Smith.")).toBe(6);
    expect(countWords('  ')).toBe(0);
  });

  it('counts only printed words', () => {
    const script =
      'Title: Not Counted\n\n# Section words\n\n= synopsis words\n\nINT. ROOM - DAY\n\nShe [[note words]] sits. /* gone */\n\nBOB\n(quietly)\nHello there.';
    expect(scriptStats(parseFountain(script))).toEqual({ words: 9, scenes: 1, pages: 1 });
  });

  it('estimates pages at 55 lines, with a blank line between paragraphs', () => {
    // 28 one-line paragraphs and 27 gaps fill a page exactly.
    expect(scriptStats(parseFountain(paragraphs(28))).pages).toBe(1);
    expect(scriptStats(parseFountain(paragraphs(29))).pages).toBe(2);
    expect(scriptStats(parseFountain(paragraphs(57))).pages).toBe(3);
    expect(scriptStats(parseFountain('')).pages).toBe(0);
  });

  it('starts a page at === and wraps long lines to the element width', () => {
    expect(scriptStats(parseFountain('One.\n\n===\n\nTwo.\n\n===\n\nThree.')).pages).toBe(3);
    expect(wrappedHeight('word '.repeat(30).trim(), 60)).toBe(3);
    expect(wrappedHeight('word '.repeat(30).trim(), 35)).toBe(5);
    const longSpeech = `BOB\n${'blah '.repeat(770).trim()}`;
    // Seven four-letter words fit a 35-column line: 110 lines of speech plus the cue need a third page.
    expect(estimatePages(parseFountain(longSpeech).lines)).toBe(3);
  });
});

describe('provenance note', () => {
  it('formats model, temperature, seed and local date in one safe note', () => {
    const note = formatProvenanceNote({
      model: 'Noir ]] small',
      temperature: 0.8,
      seed: 42,
      date: new Date(2026, 10, 27, 9, 5),
    });
    expect(note).toBe('[[Understudy draft: model "Noir  small", temperature 0.80, seed 42, 2026-11-27 09:05]]');
  });
});
