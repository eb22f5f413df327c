import { describe, expect, it } from 'vitest';
import { describeLength, layoutDraft } from '../../../../src-renderer/lib/draft-layout.ts';

const PRIME = 'INT. BUS - NIGHT\n\nJune waits.\n\n';

describe('a draft laid out as the editor shows a script', () => {
  it('gives each line the element it is after the text before it', () => {
    const { lines } = layoutDraft(PRIME, 'JUNE\n(quietly)\nNot yet.\n\nThe bus stops.', ['JUNE']);
    expect(lines.map((line) => line.type)).toEqual(['character', 'parenthetical', 'dialogue', 'blank', 'action']);
    expect(lines.map((line) => line.segments.map((s) => s.text).join(''))).toEqual([
      'JUNE',
      '(quietly)',
      'Not yet.',
      '',
      'The bus stops.',
    ]);
  });

  it('continues the line the cursor is on, and flags cues outside the cast', () => {
    const { lines } = layoutDraft('He looks', ' away.\n\nZED\nHello.', ['JUNE']);
    expect(lines[0]).toMatchObject({ type: 'action', segments: [{ text: ' away.', copied: false }] });
    expect(lines.find((line) => line.type === 'character')?.newName).toBe(true);
  });

  it('splits lines where they repeat the corpora', () => {
    const draft = 'The rain needles through the light.';
    const { lines } = layoutDraft(PRIME, draft, [], { spans: [{ from: 4, to: 15 }], novelty: 0.7, windowChars: 11 });
    expect(lines[0]?.segments).toEqual([
      { text: 'The ', copied: false },
      { text: 'rain needle', copied: true },
      { text: 's through the light.', copied: false },
    ]);
  });

  it('measures the draft in pages as the PDF prints it, and screen time a page a minute', () => {
    const speech = Array.from({ length: 27 }, (_, i) => `JUNE\nLine ${i}.\n`).join('\n');
    const layout = layoutDraft(PRIME, speech, ['JUNE']);
    // 80 rows, but a two-row speech does not split: page 1 holds 18 speeches (53 rows), page 2 the other 9 (26).
    expect(layout.pages).toBe(1 + 26 / 55);
    expect(describeLength(layout)).toMatch(/^1\.\d pages · 1 min \d+ s$/);
    expect(describeLength({ pages: 0.25, seconds: 15 })).toBe('1/4 page · 15 s');
  });

  it('calls a draft one page exactly when it fills the paginator’s page, and keeps a heading off the page foot', () => {
    const paragraphs = (count: number): string => Array.from({ length: count }, (_, i) => `Beat ${i}.`).join('\n\n');
    expect(layoutDraft(PRIME, paragraphs(28), []).pages).toBe(1);
    expect(layoutDraft(PRIME, paragraphs(29), []).pages).toBe(1 + 1 / 55);
    // 27 beats fill 53 rows; the heading would sit on row 55 alone, so it and its action open page 2.
    const headingAtFoot = `${paragraphs(27)}\n\nEXT. ROAD - DAY\n\nDust.`;
    expect(layoutDraft(PRIME, headingAtFoot, []).pages).toBe(1 + 3 / 55);
  });
});
