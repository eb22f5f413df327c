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

  it('measures the draft in pages and screen time, a page a minute', () => {
    const speech = Array.from({ length: 27 }, (_, i) => `JUNE\nLine ${i}.\n`).join('\n');
    const layout = layoutDraft(PRIME, speech, ['JUNE']);
    expect(layout.pages).toBeCloseTo(80 / 55, 1);
    expect(describeLength(layout)).toMatch(/^1\.\d pages · 1 min \d+ s$/);
    expect(describeLength({ pages: 0.25, seconds: 15 })).toBe('1/4 page · 15 s');
  });
});
