// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { paginate } from '../../../src-main/fountain/paginate.ts';
import { parseFountain } from '../../../src-main/fountain/parse.ts';
import { eighthsOf, formatEighths, scriptReport } from '../../../src-main/fountain/reports.ts';

const SCRIPT = `Title: Reports

INT. KITCHEN - NIGHT

Mara waits.

MARA (V.O.)
I waited all night.

JON
(quietly)
Go home.

MARA (CONT'D)
No.

EXT. HARROW POINT BUS DEPOT - DAY

BRAM
Tickets, please.

MARA
Two of them.

JON ^
One.

INT. KITCHEN - DAY #9#

Empty.

.FLASHBACK

JON
Long ago.
`;

describe('script reports', () => {
  const report = scriptReport(parseFountain(SCRIPT));

  it('counts speeches, spoken words and scenes per character, folding extensions', () => {
    const byName = Object.fromEntries(report.characters.map((c) => [c.name, c]));
    expect(Object.keys(byName)).toEqual(['MARA', 'JON', 'BRAM']);
    expect(byName.MARA).toMatchObject({ speeches: 3, words: 4 + 1 + 3, scenes: 2 });
    // Dual dialogue counts once for its speaker; the parenthetical is not spoken.
    expect(byName.JON).toMatchObject({ speeches: 3, words: 2 + 1 + 2, scenes: 3 });
    expect(byName.BRAM).toMatchObject({ speeches: 1, words: 2, scenes: 1 });
  });

  it('gives each character’s first appearance as page and printed scene number', () => {
    const byName = Object.fromEntries(report.characters.map((c) => [c.name, c.first]));
    // The third heading is locked at 9, so the first two take the numbers before it: A9, B9.
    expect(report.scenes.map((s) => s.number)).toEqual(['A9', 'B9', '9', '9A']);
    expect(byName.MARA).toEqual({ page: 1, scene: 'A9' });
    expect(byName.BRAM).toEqual({ page: 1, scene: 'B9' });
  });

  it('reports locations with interior or exterior and times of day', () => {
    expect(report.locations.map(({ name, scenes, settings, times }) => ({ name, scenes, settings, times }))).toEqual([
      { name: 'KITCHEN', scenes: 2, settings: ['INT'], times: ['NIGHT', 'DAY'] },
      { name: 'HARROW POINT BUS DEPOT', scenes: 1, settings: ['EXT'], times: ['DAY'] },
      { name: 'FLASHBACK', scenes: 1, settings: [], times: [] },
    ]);
    expect(report.scenes.map((s) => [s.setting, s.time])).toEqual([
      ['INT', 'NIGHT'],
      ['EXT', 'DAY'],
      ['INT', 'DAY'],
      [undefined, undefined],
    ]);
    expect(report.scenes[1]?.characters).toEqual(['BRAM', 'MARA', 'JON']);
  });

  it('measures scenes in eighths from the paginator’s rows, at least an eighth each', () => {
    // Scene 1: heading, blank, action, blank, cue+line, blank, cue+paren+line, blank, cue+line, blank = 14 rows.
    expect(report.scenes.map((s) => s.eighths)).toEqual([2, 1, 1, 1]);
    expect(report.pages).toBe(1);
    expect(report.screenMinutes).toBe(report.pages);
  });

  it('follows the paginator across pages: a long script’s eighths add up to its pages', () => {
    const sample = readFileSync(resolve('resources/samples/sample-screenplay.fountain'), 'utf8');
    const document = parseFountain(sample);
    const long = scriptReport(document);
    const pages = paginate(document).pages;
    expect(long.pages).toBe(pages.length);
    const rows = pages.reduce((sum, page) => sum + page.rows.length, 0);
    expect(long.eighths).toBe(eighthsOf(rows, 55));
    const total = long.scenes.reduce((sum, s) => sum + s.eighths, 0);
    expect(Math.abs(total - long.eighths)).toBeLessThanOrEqual(long.scenes.length);
    const lastPage = long.scenes.at(-1)?.page ?? 0;
    expect(lastPage).toBeGreaterThan(1);
    expect(lastPage).toBeLessThanOrEqual(pages.length);
  });

  it('a scene that fills a page is eight eighths; A4 holds more lines a page', () => {
    const action = Array.from({ length: 27 }, (_, i) => `Beat ${i}.`).join('\n\n');
    const one = scriptReport(parseFountain(`INT. HALL - DAY\n\n${action}\n`));
    expect(one.scenes[0]?.eighths).toBe(8);
    expect(scriptReport(parseFountain(`INT. HALL - DAY\n\n${action}\n`), 'a4').scenes[0]?.eighths).toBe(
      eighthsOf(55, 57),
    );
  });

  it('formats eighths as a production does', () => {
    expect([3, 8, 11, 16].map(formatEighths)).toEqual(['3/8', '1', '1 3/8', '2']);
    expect(eighthsOf(1, 55)).toBe(1);
    expect(eighthsOf(7, 55)).toBe(1);
    expect(eighthsOf(14, 55)).toBe(2);
  });

  it('an empty script has an empty report', () => {
    expect(scriptReport(parseFountain(''))).toEqual({
      characters: [],
      locations: [],
      scenes: [],
      pages: expect.any(Number),
      eighths: expect.any(Number),
      screenMinutes: expect.any(Number),
    });
  });
});
