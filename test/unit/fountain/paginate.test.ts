// @vitest-environment node
/**
 * The paginator against an independent one, afterwriting (run through its command line to PDF, pages counted with
 * poppler's pdfinfo), on every fixture and on two long scripts built from them; and every break we make checked
 * against the rules: (MORE) / CUE (CONT'D) at sentence ends, no heading, cue or parenthetical at a page foot,
 * dual dialogue on one page, `===` starting a page, page 1 unnumbered.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTD, MORE, PAPERS, paginate, type Page, type Paper } from '../../../src-main/fountain/paginate.ts';
import { parseFountain } from '../../../src-main/fountain/parse.ts';
import { countWords, scriptStats } from '../../../src-main/fountain/stats.ts';

const run = promisify(execFile);
const FIXTURES = resolve(import.meta.dirname, '../../fixtures/fountain');
const LONG = '14-long-night-shift.fountain';
const AFTERWRITING = resolve(import.meta.dirname, '../../../node_modules/afterwriting/awc.js');

const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
/** A script's body (no title page) repeated, each copy on its own pages. */
const repeated = (name: string, from: string, times: number): string => {
  const text = readFileSync(name, 'utf8');
  return Array.from({ length: times }, () => text.slice(text.indexOf(from))).join('\n\n');
};

const SCRIPTS: Record<string, string> = {
  ...Object.fromEntries(
    readdirSync(FIXTURES)
      .filter((name) => name.endsWith('.fountain'))
      .map((name) => [name, fixture(name)]),
  ),
  'long night shift x10': repeated(join(FIXTURES, LONG), '# ACT ONE', 10),
  'sample screenplay x10': repeated(resolve('resources/samples/sample-screenplay.fountain'), '# ACT ONE', 10),
};

/** Where afterwriting's count differs and ours is right, per script and paper. */
const OURS_IS_RIGHT: Record<string, { pages: number; why: string }> = {
  '08-structure.fountain': {
    pages: 2,
    why: 'two `===` with only unprinted sections and synopses between them: afterwriting prints an empty page',
  },
};

async function afterwritingPages(text: string, paper: Paper, dir: string, name: string): Promise<number> {
  const source = join(dir, `${name}.fountain`);
  const pdf = join(dir, `${name}-${paper}.pdf`);
  writeFileSync(source, text);
  const profile = paper === 'a4' ? 'a4' : 'usletter';
  const settings = ['--setting', `print_profile=${profile}`, '--setting', 'print_title_page=false'];
  await run('node', [AFTERWRITING, '--source', source, '--pdf', pdf, '--overwrite', ...settings]);
  const { stdout } = await run('pdfinfo', [pdf]);
  return Number(/Pages:\s+(\d+)/.exec(stdout)?.[1]);
}

describe('page counts agree with afterwriting', () => {
  const theirs = new Map<string, number>();
  const cases = Object.keys(SCRIPTS).flatMap((name) =>
    (['letter', 'a4'] as const)
      .filter((paper) => paper === 'letter' || name.includes(' x10') || name === LONG)
      .map((paper) => ({ name, paper })),
  );

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'understudy-afterwriting-'));
    const counts = await Promise.all(
      cases.map(({ name, paper }, index) => afterwritingPages(SCRIPTS[name] ?? '', paper, dir, `script-${index}`)),
    );
    cases.forEach(({ name, paper }, index) => theirs.set(`${name} ${paper}`, counts[index] ?? 0));
  }, 120_000);

  it.each(cases)('$name on $paper', ({ name, paper }) => {
    const ours = paginate(parseFountain(SCRIPTS[name] ?? ''), { paper }).pages.length;
    const theirCount = theirs.get(`${name} ${paper}`) ?? 0;
    const known = OURS_IS_RIGHT[name];
    if (known) {
      expect(ours, known.why).toBe(known.pages);
      expect(theirCount, `afterwriting no longer differs: ${known.why}`).not.toBe(ours);
    } else {
      expect(Math.abs(ours - theirCount)).toBeLessThanOrEqual(Math.max(0, Math.floor(theirCount * 0.02)));
    }
  });
});

const SENTENCE_END = /[.!?…]["'”’)\]]*$/;

/** Every rule a page break must keep, checked on our own output; returns what is broken, page by page. */
function brokenRules(pages: readonly Page[], paper: Paper): string[] {
  const problems: string[] = [];
  pages.forEach((page, index) => {
    const where = `page ${page.number}`;
    const next = pages[index + 1];
    if (page.rows.length > PAPERS[paper].linesPerPage) problems.push(`${where}: ${page.rows.length} rows`);
    if (page.label !== (index === 0 ? undefined : `${page.number}.`)) problems.push(`${where}: label ${page.label}`);
    for (const row of page.rows) {
      for (const cell of row) if (cell.text.length > cell.width) problems.push(`${where}: "${cell.text}" overflows`);
    }
    const first = page.rows[0] ?? [];
    if (first.length === 2 && first.some((cell) => cell.kind !== 'character')) {
      problems.push(`${where}: dual dialogue continues from the page before`);
    }
    if (!next) return;
    const foot = page.rows.at(-1) ?? [];
    const last = foot[0];
    if (last && ['scene-heading', 'character', 'parenthetical'].includes(last.kind)) {
      problems.push(`${where}: ends with a ${last.kind}`);
    }
    const head = next.rows[0]?.[0];
    if (last?.kind === 'more') {
      const said = page.rows.at(-2)?.[0];
      if (!said || !['dialogue', 'lyrics'].includes(said.kind)) problems.push(`${where}: (MORE) after ${said?.kind}`);
      else if (!SENTENCE_END.test(said.text)) problems.push(`${where}: speech breaks mid-sentence "${said.text}"`);
      if (head?.kind !== 'character' || !head.text.endsWith(CONTD)) problems.push(`page ${next.number}: no (CONT'D)`);
    } else if (head && ['dialogue', 'parenthetical', 'lyrics'].includes(head.kind) && foot.length === 1) {
      if (last && ['dialogue', 'parenthetical'].includes(last.kind))
        problems.push(`${where}: speech breaks without (MORE)`);
    }
  });
  return problems;
}

/** Printed words on the pages, less the (MORE) and repeated CUE (CONT'D) the paginator adds. */
function wordsOnPages(pages: readonly Page[]): number {
  let words = 0;
  for (const page of pages) {
    page.rows.forEach((row, index) => {
      for (const cell of row) {
        const continued = index === 0 && cell.kind === 'character' && cell.text.endsWith(CONTD);
        if (cell.kind !== 'more' && !continued) words += countWords(cell.text);
      }
    });
  }
  return words;
}

describe('every break keeps the rules', () => {
  it.each(Object.keys(SCRIPTS).flatMap((name) => (['letter', 'a4'] as const).map((paper) => ({ name, paper }))))(
    '$name on $paper',
    ({ name, paper }) => {
      const document = parseFountain(SCRIPTS[name] ?? '');
      const { pages } = paginate(document, { paper });
      expect(brokenRules(pages, paper)).toEqual([]);
      expect(wordsOnPages(pages)).toBe(scriptStats(document).words);
    },
  );

  // A hostile paragraph (a pasted file, a fuzzed export) once took 49 s for 60,000 characters without a space and
  // 41 s for 300,000 of words: wrapping was searched from the paragraph's start for every line and every break.
  it('breaks paragraphs of hundreds of thousands of characters in about linear time, keeping the rules', () => {
    // A speech too long for a page breaks after a sentence; a single "sentence" that long would break mid-way.
    const speech = 'He runs. '.repeat(20_000).trim();
    for (const action of ['x'.repeat(60_000), 'word '.repeat(60_000).trim(), speech]) {
      const started = performance.now();
      const document = parseFountain(`INT. ROOM - DAY\n\n${action}\n\nBOB\n${speech}\n`);
      const { pages } = paginate(document);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(brokenRules(pages, 'letter')).toEqual([]);
      // A word longer than the line is cut into pieces, which count as words on the page.
      if (action.includes(' ')) expect(wordsOnPages(pages)).toBe(scriptStats(document).words);
      else expect(pages.length).toBeGreaterThan(60_000 / 60 / PAPERS.letter.linesPerPage);
    }
  });

  it('breaks the long speech of the long fixture with (MORE) and (CONT’D) and keeps the forced break', () => {
    const { pages } = paginate(parseFountain(fixture(LONG)));
    const mores = pages.filter((page) => page.rows.at(-1)?.[0]?.kind === 'more');
    expect(mores.length).toBeGreaterThan(0);
    expect(pages.some((page) => page.rows[0]?.[0]?.text === "INT. KEEPER'S COTTAGE - DAY")).toBe(true);
    expect(pages.some((page) => page.rows.some((row) => row.length === 2))).toBe(true);
  });

  it('moves a speech whose one sentence does not fit, and moves a heading that would end a page', () => {
    const filler = Array.from({ length: 26 }, (_, i) => `Line ${i + 1}.`).join('\n\n');
    const sentence = `BOB\n${'word '.repeat(40).trim()}.`;
    const moved = paginate(parseFountain(`${filler}\n\n${sentence}`)).pages;
    expect(moved[1]?.rows[0]?.[0]?.text).toBe('BOB');
    const heading = paginate(parseFountain(`${filler}\n\nLine 27.\n\nINT. ROOM - DAY\n\nShe waits.`)).pages;
    expect(heading[1]?.rows[0]?.[0]?.text).toBe('INT. ROOM - DAY');
  });

  it('breaks a speech longer than a page after a sentence, and one with no sentence end after a line', () => {
    const sentences = paginate(parseFountain(`BOB\n${'Word word word word. '.repeat(150).trim()}`)).pages;
    expect(sentences.length).toBe(2);
    expect(brokenRules(sentences, 'letter')).toEqual([]);
    const run = paginate(parseFountain(`BOB\n${'word '.repeat(500).trim()}`)).pages;
    expect(run.map((page) => page.rows.at(-1)?.[0]?.text)).toEqual([MORE, 'word word word']);
  });

  it('numbers scenes on request, keeps a heading its own number, and adds (CONT’D) after action on request', () => {
    const script = 'INT. A - DAY\n\nBOB\nHi.\n\nHe waits.\n\nBOB\nStill here.\n\nEXT. B - DAY #7A#\n\nRain.';
    const cells = (options: Parameters<typeof paginate>[1]) =>
      paginate(parseFountain(script), options).pages.flatMap((page) => page.rows.flat());
    const numbers = (options: Parameters<typeof paginate>[1]) =>
      cells(options)
        .filter((cell) => cell.kind === 'scene-heading')
        .map((cell) => cell.sceneNumber);
    expect(numbers({})).toEqual([undefined, '7A']);
    expect(numbers({ sceneNumbers: true })).toEqual(['1', '7A']);
    const cues = (options: Parameters<typeof paginate>[1]) =>
      cells(options)
        .filter((cell) => cell.kind === 'character')
        .map((cell) => cell.text);
    expect(cues({})).toEqual(['BOB', 'BOB']);
    expect(cues({ contdAfterAction: true })).toEqual(['BOB', `BOB ${CONTD}`]);
  });

  it('counts dual dialogue once in the script’s pages', () => {
    const pair = 'A\nOne.\n\nB ^\nTwo.\n\n';
    expect(scriptStats(parseFountain(pair.repeat(18))).pages).toBe(1);
  });
});
