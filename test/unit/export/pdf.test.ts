// @vitest-environment node
/**
 * The screenplay PDF, read back with poppler (pdfinfo, pdftotext): one page per paginator page plus the title page,
 * (MORE) and CUE (CONT'D) where a speech breaks, no number on page 1. Page images go to test-results/pdf-pages/
 * for a person to look at.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fountainToPdf } from '../../../src-main/export/pdf.ts';
import { CONTD, MORE, paginate, type Paper } from '../../../src-main/fountain/paginate.ts';
import { parseFountain } from '../../../src-main/fountain/parse.ts';

const run = promisify(execFile);
const FIXTURE = resolve(import.meta.dirname, '../../fixtures/fountain/14-long-night-shift.fountain');
const PAGES_OUT = resolve(import.meta.dirname, '../../../test-results/pdf-pages');

async function exported(source: string, paper: Paper, name: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'understudy-pdf-'));
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, await fountainToPdf(source, { paper, sceneNumbers: true }));
  return file;
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
    expect(all).toMatch(/^\s*2\s+THE LAMP ROOM\s+2\s*$/m);
    expect(all).toMatch(/^\s*BRICK\s+STEEL\s*$/m);
    expect(all).toMatch(/^\s*Forget the pier\.\s+Forget the pier, and the\s*$/m);
  });
});
