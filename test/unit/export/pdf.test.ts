// @vitest-environment node
/**
 * The screenplay PDF, read back with poppler (pdfinfo, pdftotext): one page per paginator page plus the title page,
 * (MORE) and CUE (CONT'D) where a speech breaks, no number on page 1. Page images go to test-results/pdf-pages/
 * for a person to look at.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DocumentStore } from '../../../src-main/documents/document-store.ts';
import { fountainToPdf } from '../../../src-main/export/pdf.ts';
import { CONTD, MORE, paginate, type Paper } from '../../../src-main/fountain/paginate.ts';
import { parseFountain } from '../../../src-main/fountain/parse.ts';

const run = promisify(execFile);
const SAMPLE = resolve(import.meta.dirname, '../../../resources/samples/sample-screenplay.fountain');
const FIXTURE = resolve(import.meta.dirname, '../../fixtures/fountain/14-long-night-shift.fountain');
const PAGES_OUT = resolve(import.meta.dirname, '../../../test-results/pdf-pages');

async function exported(source: string, paper: Paper, name: string, sceneNumbers = true): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'understudy-pdf-'));
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, await fountainToPdf(source, { paper, sceneNumbers }));
  return file;
}

/** The names of the fonts the PDF's pages use (pdffonts). */
async function fontsUsed(file: string): Promise<string[]> {
  const { stdout } = await run('pdffonts', [file]);
  return stdout
    .split('\n')
    .slice(2)
    .map((line) => line.split(/\s+/)[0] ?? '')
    .filter((name) => name !== '')
    .sort();
}

async function pdfInfo(file: string): Promise<{ pages: number; size: string }> {
  const { stdout } = await run('pdfinfo', [file]);
  return {
    pages: Number(/Pages:\s+(\d+)/.exec(stdout)?.[1]),
    size: /Page size:\s+([\d.]+ x [\d.]+)/.exec(stdout)?.[1] ?? '',
  };
}

/** The text of each PDF page, as laid out. */
async function pageTexts(file: string): Promise<string[]> {
  const { stdout } = await run('pdftotext', ['-layout', file, '-']);
  return stdout.split('\f').slice(0, -1);
}

describe('screenplay PDF', () => {
  const source = readFileSync(FIXTURE, 'utf8');

  it.each(['letter', 'a4'] as const)('prints every paginator page on %s, title page first', async (paper) => {
    const pagination = paginate(parseFountain(source), { paper, sceneNumbers: true });
    const file = await exported(source, paper, `long-night-shift-${paper}`);
    const info = await pdfInfo(file);
    expect(info.pages).toBe(pagination.pages.length + 1);
    expect(info.size).toBe(paper === 'letter' ? '612 x 792' : '595.44 x 841.68');
    mkdirSync(PAGES_OUT, { recursive: true });
    await run('pdftoppm', ['-r', '60', '-png', file, join(PAGES_OUT, `long-night-shift-${paper}`)]);
  });

  it('shows (MORE) and CUE (CONT’D) where a speech breaks, and numbers pages from 2', async () => {
    const pagination = paginate(parseFountain(source), { sceneNumbers: true });
    const texts = await pageTexts(await exported(source, 'letter', 'long-night-shift-text'));
    expect(texts[0]).toContain('THE LONG NIGHT SHIFT');
    const body = texts.slice(1);
    const firstLine = (text: string): string =>
      text
        .split('\n')
        .find((line) => line.trim() !== '')
        ?.trim() ?? '';
    expect(firstLine(body[0] ?? '')).toBe('FADE IN:');
    body.slice(1).forEach((text, index) => expect(firstLine(text)).toBe(`${index + 2}.`));
    let breaks = 0;
    pagination.pages.forEach((page, index) => {
      if (page.rows.at(-1)?.[0]?.kind !== 'more') return;
      breaks++;
      const lines = (body[index] ?? '').trimEnd().split('\n');
      expect(lines.at(-1)?.trim()).toBe(MORE);
      const cue = page.rows.find((row) => row[0]?.kind === 'character');
      expect(cue).toBeDefined();
      const next = (body[index + 1] ?? '').split('\n').filter((line) => line.trim() !== '');
      expect(next[1]?.trim()).toMatch(new RegExp(`^[A-Z].* \\${CONTD.slice(0, -1)}\\)$`));
    });
    expect(breaks).toBeGreaterThan(0);
  });

  it('draws the scene numbers on both sides and dual dialogue side by side', async () => {
    const texts = await pageTexts(await exported(source, 'letter', 'long-night-shift-layout'));
    const all = texts.join('\n');
    // The fixture writes #1# on its first heading only, so the next scene follows it as 1A (scene-numbers.ts).
    expect(all).toMatch(/^\s*1A\s+THE LAMP ROOM\s+1A\s*$/m);
    expect(all).toMatch(/^\s*BRICK\s+STEEL\s*$/m);
    expect(all).toMatch(/^\s*Forget the pier\.\s+Forget the pier, and the\s*$/m);
  });

  it('prints the title page fields and leaves out sections, synopses, notes and boneyard', async () => {
    const texts = await pageTexts(await exported(readFileSync(SAMPLE, 'utf8'), 'letter', 'sample', false));
    const title = texts[0] ?? '';
    for (const field of ['The Last Bus to Harrow Point', 'Written by', 'Understudy Sample', 'November 2026']) {
      expect(title).toContain(field);
    }
    expect(title).toContain('sample@understudy.invalid');
    const body = texts.slice(1).join('\n');
    expect(body).toContain('EXT. HARROW POINT BUS DEPOT - NIGHT');
    expect(body).toMatch(/^\s{20,}THE END\s*$/m);
    for (const hidden of ['ACT ONE', 'Two strangers', 'Keep it in her eyes', 'My mother used to say']) {
      expect(body).not.toContain(hidden);
    }
  });

  it('draws emphasis and lyrics in Courier Bold, Oblique and Bold Oblique, plain text in Courier', async () => {
    expect(await fontsUsed(await exported('INT. A - DAY\n\nPlain words.\n', 'letter', 'plain'))).toEqual(['Courier']);
    const styled = 'INT. A - DAY\n\nSome **bold**, *italic* and ***both***.\n\nANN\n~La la la\n';
    expect(await fontsUsed(await exported(styled, 'letter', 'styled'))).toEqual([
      'Courier',
      'Courier-Bold',
      'Courier-BoldOblique',
      'Courier-Oblique',
    ]);
    const lyricsOnly = await exported('ANN\n~La la la\n', 'letter', 'lyrics');
    expect(await fontsUsed(lyricsOnly)).toEqual(['Courier', 'Courier-Oblique']);
  });

  it('takes the PDF title from the title page, without emphasis marks', async () => {
    const file = await exported('Title: **Big**\n  _Night_\n\nINT. A - DAY\n\nHi.\n', 'a4', 'titled');
    const { stdout } = await run('pdfinfo', [file]);
    expect(/Title:\s+(.*)/.exec(stdout)?.[1]).toBe('Big Night');
  });

  it('numbers scenes by the locking rules: an unnumbered scene after locked 6 prints 6A', async () => {
    const script = 'INT. A - DAY #6#\n\nOne.\n\nINT. B - DAY\n\nTwo.\n\nINT. C - DAY #7#\n\nThree.\n';
    const all = (await pageTexts(await exported(script, 'letter', 'locked'))).join('\n');
    expect(all).toMatch(/^\s*6\s+INT\. A - DAY\s+6\s*$/m);
    expect(all).toMatch(/^\s*6A\s+INT\. B - DAY\s+6A\s*$/m);
    expect(all).toMatch(/^\s*7\s+INT\. C - DAY\s+7\s*$/m);
    const unnumbered = (await pageTexts(await exported(script, 'letter', 'unlocked', false))).join('\n');
    expect(unnumbered).toMatch(/^\s*INT\. B - DAY\s*$/m);
  });

  it('is written atomically by the document store to a .pdf path, and refuses any other extension', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'understudy-pdf-store-'));
    const store = await DocumentStore.open(join(dir, 'data'));
    const source = readFileSync(FIXTURE, 'utf8');
    const target = join(dir, 'out', '..', 'night.pdf');
    const written = await store.exportPdf(target, source, { paper: 'a4', sceneNumbers: false });
    expect(written.path).toBe(join(dir, 'night.pdf'));
    expect(readFileSync(written.path).byteLength).toBe(written.bytes);
    const info = await pdfInfo(written.path);
    expect(info.pages).toBe(paginate(parseFountain(source), { paper: 'a4' }).pages.length + 1);
    expect(info.size).toBe('595.44 x 841.68');
    await expect(
      store.exportPdf(join(dir, 'night.fountain'), source, { paper: 'letter', sceneNumbers: false }),
    ).rejects.toMatchObject({
      code: 'E_UNSUPPORTED_TYPE',
    });
    expect(existsSync(join(dir, 'night.fountain'))).toBe(false);
  });
});
